/**
 * Errors with codes. Each code has an HTTP status and a translated message (`errors.<CODE>` in
 * locales/*.json) that tells the user what went wrong and what to do; no stack trace reaches a page.
 */
export class AppError extends Error {
  readonly code: string
  readonly status: number

  constructor(code: string, status: number, detail?: string) {
    super(detail ?? code)
    this.code = code
    this.status = status
  }
}

/** Not found, and also what a caller gets for anything they may not see. */
export const notFound = () => new AppError('ERR_NOT_FOUND', 404)
/** The form's CSRF token is missing or belongs to another session. */
export const badCsrf = () => new AppError('ERR_CSRF', 403)
/** Too many attempts; try again later. */
export const tooMany = () => new AppError('ERR_RATE_LIMITED', 429)
/** A link (setup, invite) that expired or was already used. */
export const linkExpired = () => new AppError('ERR_LINK_EXPIRED', 410)
