/**
 * Turns every error into a page (or JSON under /api) with a code and a translated message that says
 * what to do. Stack traces go to the log, never to the user.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { html } from 'ghtml'
import { AppError, notFound, platformErrors, tooMany } from './errors.ts'
import { layout } from './html/layout.ts'
import { translator } from './i18n.ts'
import { pageContext, sendPage } from './request-context.ts'

// Fastify's own error codes, mapped to Lifeline's.
const frameworkCodes: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'ERR_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ERR_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'ERR_BAD_REQUEST',
  FST_ERR_VALIDATION: 'ERR_BAD_REQUEST',
}

// A framework error keeps the status Fastify gave it (400, 413, 415…) under one of the platform's codes.
function toAppError(error: FastifyError | AppError): AppError {
  if (error instanceof AppError) return error
  if (error.statusCode === 429) return tooMany()
  const code = frameworkCodes[error.code]
  if (code) return new AppError(code, error.statusCode ?? 400)
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('ERR_BAD_REQUEST', error.statusCode)
  }
  return platformErrors.ERR_INTERNAL()
}

// The API, and the scripts that call JSON endpoints (passkeys), get errors as JSON.
function wantsJson(request: FastifyRequest): boolean {
  const contentType = String(request.headers['content-type'] ?? '')
  const accept = String(request.headers.accept ?? '')
  return (
    request.url.startsWith('/api/') ||
    contentType.startsWith('application/json') ||
    /^application\/json/.test(accept)
  )
}

/** Renders an error for this request. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  // A request that failed before its language was known still gets a translated page.
  const t = request.t ?? translator(request.locale ?? 'ru')
  const message = t(error.messageKey)
  if (wantsJson(request)) {
    return reply.status(error.status).send({ error: { code: error.code, message } })
  }
  const ctx = Object.assign(pageContext(request), { t })
  // The code is for scripts and support, not for the reader: it stays in the page, out of sight.
  const body = html`<h1 data-error-code="${error.code}">${t('errors.title')}</h1><p>${message}</p>
<p><a href="/">${t('errors.home')}</a></p>`
  return sendPage(reply, layout(ctx, { title: t('errors.title'), body, narrow: true }), error.status)
}

/** Registers the error and not-found handlers. */
export function registerErrorPages(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error)
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed')
    return sendError(request, reply, appError)
  })
  app.setNotFoundHandler((request, reply) => sendError(request, reply, notFound()))
}
