/**
 * Errors with codes. Each code has an HTTP status and a translated message (`errors.<CODE>` in
 * locales/*.json) that tells the user what went wrong and what to do; no stack trace reaches a page.
 */
export class AppError extends Error {
  readonly code: string
  readonly status: number
  /** The i18n key of what the user reads: `errors.<CODE>` unless the catalogue names another. */
  readonly messageKey: string

  constructor(code: string, status: number, detail?: string, messageKey = `errors.${code}`) {
    super(detail ?? code)
    this.code = code
    this.status = status
    this.messageKey = messageKey
  }
}

/** One entry of an error catalogue: the HTTP status, and the message's i18n key if not `errors.<CODE>`. */
export type ErrorEntry = { status: number; message?: string }

/** A catalogue's throwers: `errors.ERR_X()` makes the AppError with the status and message listed. */
export type ErrorCatalogue<T extends Record<string, ErrorEntry>> = {
  readonly [Code in keyof T]: (detail?: string) => AppError
}

/**
 * A module's error catalogue (its `errors.ts`): every code it throws, listed once with its status and
 * message, so no `throw` repeats a status. `detail` is for the log only; the user reads the message.
 */
export function errorCatalogue<const T extends Record<string, ErrorEntry>>(entries: T): ErrorCatalogue<T> {
  const throwers: Record<string, (detail?: string) => AppError> = {}
  for (const [code, entry] of Object.entries(entries))
    throwers[code] = (detail) => new AppError(code, entry.status, detail, entry.message)
  return throwers as ErrorCatalogue<T>
}

/** The platform's own error catalogue: what any page or route may answer with. */
export const platformErrors = errorCatalogue({
  // Not found, and also what a caller gets for anything they may not see.
  ERR_NOT_FOUND: { status: 404 },
  // The form's CSRF token is missing or belongs to another session.
  ERR_CSRF: { status: 403 },
  // Too many attempts; try again later.
  ERR_RATE_LIMITED: { status: 429 },
  // A link (setup, invite, reset) that expired or was already used.
  ERR_LINK_EXPIRED: { status: 410 },
  // A body, form or query that could not be read at all.
  ERR_BAD_REQUEST: { status: 400 },
  // A body over the route's limit.
  ERR_TOO_LARGE: { status: 413 },
  // Anything else: the user reads that nothing they sent was changed; the log has the detail.
  ERR_INTERNAL: { status: 500 },
})

/** Not found, and also what a caller gets for anything they may not see. */
export const notFound = () => platformErrors.ERR_NOT_FOUND()
/** The form's CSRF token is missing or belongs to another session. */
export const badCsrf = () => platformErrors.ERR_CSRF()
/** Too many attempts; try again later. */
export const tooMany = () => platformErrors.ERR_RATE_LIMITED()
/** A link (setup, invite) that expired or was already used. */
export const linkExpired = () => platformErrors.ERR_LINK_EXPIRED()
