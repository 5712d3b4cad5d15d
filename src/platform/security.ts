/**
 * The security baseline every response gets: strict headers, no caching of private pages, CSRF
 * tokens on every state-changing request, and method override so plain forms can PUT and DELETE.
 *
 * A CSRF token is an HMAC, under a server secret, of the browser's random CSRF cookie and of the
 * session the form was rendered in (none before signing in). Without the secret no one can make a
 * token for a cookie they planted; with the session in it, a token from before signing in, or from
 * another session, does not pass once signed in.
 */
import { createHmac } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import helmet from '@fastify/helmet'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { markSecret } from './compression.ts'
import { randomBytes, safeEqual } from './crypto/primitives.ts'
import { badCsrf } from './errors.ts'

/**
 * The CSRF cookie's name: a random value per browser, tied to every form's token. Over https it is
 * `__Host-` prefixed: Secure, path /, no domain, so a sibling subdomain cannot set it.
 */
export function csrfCookieName(secure: boolean): string {
  return secure ? '__Host-lifeline_csrf' : 'lifeline_csrf'
}

/**
 * Lets a plain HTML form send PUT, PATCH or DELETE: a POST to `…?_method=DELETE` is routed as a
 * DELETE. It runs before routing (Fastify's rewriteUrl), the one place that can still change the method.
 */
export function overrideMethod(request: IncomingMessage): string {
  const url = request.url ?? '/'
  if (request.method === 'POST') {
    const wanted = /[?&]_method=(PUT|PATCH|DELETE)(?:&|$)/.exec(url)?.[1]
    if (wanted) request.method = wanted
  }
  return url
}

/** Headers for the few answers Fastify gives before routing (a malformed URL): as strict as any page. */
export const bareErrorHeaders = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
}

/** Registers headers, cache rules and the CSRF check. */
export async function registerSecurity(app: FastifyInstance, options: { secureCookies: boolean }) {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: options.secureCookies,
  })

  const cookieName = csrfCookieName(options.secureCookies)
  app.addHook('onRequest', async (request) => {
    const cookie = request.cookies[cookieName]
    request.csrfCookie = cookie && /^[A-Za-z0-9_-]{43}$/.test(cookie) ? cookie : null
  })

  app.addHook('preHandler', async (request) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return
    const body = request.body as Record<string, unknown> | undefined
    const sent = typeof body?._csrf === 'string' ? body._csrf : request.headers['x-csrf-token']
    if (!isValidCsrf(request, sent)) throw badCsrf()
  })

  app.addHook('onSend', async (request, reply) => {
    // The cookie is set only by pages that rendered a form, so reading a public page leaves no cookie.
    if (request.csrfCookieIsNew) {
      reply.setCookie(cookieName, request.csrfCookie!, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: options.secureCookies,
      })
    }
  })

  app.addHook('onSend', async (request, reply) => {
    const cache = reply.getHeader('cache-control')
    if (cache === undefined) reply.header('cache-control', 'no-store')
    // What a route marks public is the same for everyone, except a page shown to a signed-in member
    // (their menu, a form's token) or anything a cookie goes with: a shared cache must never keep
    // those. Files and JSON are the same whoever asks.
    else if (
      /\bpublic\b/.test(String(cache)) &&
      (request.csrfCookieIsNew ||
        (request.session && /^text\/html/.test(String(reply.getHeader('content-type')))))
    )
      reply.header('cache-control', 'private, no-store')
  })
}

/**
 * Whether `sent` is this request's CSRF token. Signed in, only this session's token passes. Not signed
 * in, also a form rendered in a session that has since ended (its cookie still sent): it can act only
 * as anyone may. Forms that read their body themselves (uploads) ask before they read a file, rather
 * than after the whole body as the platform's check does.
 */
export function isValidCsrf(request: FastifyRequest, sent: unknown): boolean {
  // A post from a browser that never got a form has no cookie yet: its token can't match.
  const cookie = request.csrfCookie
  if (!cookie || typeof sent !== 'string') return false
  const sessions = request.session ? [request.session.id] : [null, request.endedSessionId]
  return sessions.some((id) => id !== undefined && safeEqual(sent, tokenOf(request, cookie, id)))
}

/** The token a form must carry for the browser holding this CSRF cookie, in this session (or none). */
export function csrfTokenFor(secret: Buffer, cookie: string, sessionId: string | null): string {
  return createHmac('sha256', secret)
    .update(`lifeline-csrf\0${cookie}\0${sessionId ?? ''}`)
    .digest('base64url')
}

function tokenOf(request: FastifyRequest, cookie: string, sessionId: string | null): string {
  // Loaded once at start (request-context.ts); a request without it is a bug, not a visitor's fault.
  if (!request.csrfSecret) throw new Error('The CSRF secret is not loaded')
  return csrfTokenFor(request.csrfSecret, cookie, sessionId)
}

/**
 * This request's CSRF token, giving the browser a CSRF cookie with the response if it has none. The
 * response now carries a secret, and so is never compressed (compression.ts: BREACH).
 */
export function csrfToken(request: FastifyRequest): string {
  markSecret(request)
  if (!request.csrfCookie) {
    request.csrfCookie = randomBytes(32).toString('base64url')
    request.csrfCookieIsNew = true
  }
  return tokenOf(request, request.csrfCookie, request.session?.id ?? null)
}
