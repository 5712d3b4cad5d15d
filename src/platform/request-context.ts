/**
 * What each request carries once it is in: its language, its session (if any) and a page context
 * for rendering. Fastify's request type is extended here, in one place.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { readSession, type Session, sessionCookieName, sessionIdOf } from './auth/sessions.ts'
import type { Store } from './db/database.ts'
import { notFound } from './errors.ts'
import type { NavItem, PageContext } from './html/layout.ts'
import { isLocale, type Locale, pickLocale, type T, translator } from './i18n.ts'
import { can, type RoutePolicy } from './policy.ts'
import { csrfToken } from './security.ts'

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale
    t: T
    session: Session | null
    /** The id of the session the request's cookie named when that session has ended; else null. */
    endedSessionId: string | null
    /** The server secret CSRF tokens are made with (security.ts). */
    csrfSecret: Buffer | null
    /** The browser's CSRF cookie, or one made for this response; null until needed. */
    csrfCookie: string | null
    csrfCookieIsNew: boolean
  }
  interface FastifyInstance {
    /** The staff navigation: the platform's entries and every module's, in order. */
    navigation: readonly NavItem[]
  }
  interface FastifyContextConfig {
    /** Who may call this route; see policy.ts. Every route must declare one. */
    policy?: RoutePolicy
  }
}

/** The language cookie's name. */
export const LANG_COOKIE = 'lifeline_lang'

/** Registers language choice, session loading and the CSRF secret. */
export function registerRequestContext(
  app: FastifyInstance,
  store: Store,
  options: { secureCookies: boolean; navigation: readonly NavItem[] },
) {
  app.decorate('navigation', options.navigation)
  app.decorateRequest('locale', 'ru')
  app.decorateRequest('t', null as unknown as T)
  app.decorateRequest('session', null)
  app.decorateRequest('endedSessionId', null)
  app.decorateRequest('csrfSecret', null)
  app.decorateRequest('csrfCookie', null)
  app.decorateRequest('csrfCookieIsNew', false)
  const sessionCookie = sessionCookieName(options.secureCookies)

  // Derived from the server key, as every node has it and no copy of the database does: a seized
  // copy can't mint form tokens. Tokens are made synchronously while a page renders, so it is at hand.
  const csrfSecret: Buffer = store.serverKey.derive('form tokens')

  app.addHook('onRequest', async (request, reply) => {
    request.csrfSecret = csrfSecret
    const query = request.query as Record<string, unknown>
    // `?lang=xx` on any page remembers the choice and comes back to the same page without it.
    if (request.method === 'GET' && isLocale(query.lang)) {
      reply.setCookie(LANG_COOKIE, query.lang, {
        path: '/',
        maxAge: 365 * 24 * 3600,
        sameSite: 'lax',
        httpOnly: true,
        secure: options.secureCookies,
      })
      const params = new URLSearchParams(request.url.split('?')[1] ?? '')
      params.delete('lang')
      const rest = params.toString()
      return reply.redirect(`${localPath(request.url)}${rest ? `?${rest}` : ''}`, 303)
    }
    request.locale = pickLocale(request.cookies[LANG_COOKIE], request.headers['accept-language'])
    request.t = translator(request.locale)
    const cookie = request.cookies[sessionCookie]
    if (cookie) {
      request.session = await readSession(store.db, cookie)
      if (!request.session) {
        request.endedSessionId = sessionIdOf(cookie)
        reply.clearCookie(sessionCookie, { path: '/', secure: options.secureCookies })
      }
    }
  })
}

/**
 * The path of a request URL, safe to send back as a link or redirect: `//evil.example/` or `/\\evil`
 * would point browsers at another host, so leading slashes and backslashes collapse to one slash.
 */
export function localPath(url: string): string {
  return `/${(url.split('?')[0] ?? '').replace(/^[/\\]+/, '')}`
}

/** The page context a request renders with. */
export function pageContext(request: FastifyRequest): PageContext {
  const session = request.session
  return {
    t: request.t,
    locale: request.locale,
    path: localPath(request.url),
    // A getter: only pages with a form make a token, and so a CSRF cookie.
    get csrfToken() {
      return csrfToken(request)
    },
    staff:
      session?.stage === 'full'
        ? {
            name: session.user.displayName,
            can: (permission) => can(session.roles, permission),
            navigation: request.server.navigation,
          }
        : undefined,
  }
}

/**
 * The signed-in staff member a permission-guarded route acts for. The route policy (route-policy.ts)
 * has already sent everyone else away; should a route without a permission policy call this, the
 * caller gets the 404 that everything they may not see answers.
 */
export function actor(request: FastifyRequest): Session {
  const session = request.session
  if (session?.stage !== 'full') throw notFound()
  return session
}

/**
 * The session of a route whose policy is 'session': at whatever stage of signing in. The route policy
 * sent a request without one to the sign-in page; anything else calling this gets a 404.
 */
export function currentSession(request: FastifyRequest): Session {
  if (!request.session) throw notFound()
  return request.session
}

/** Sends a rendered page. */
export function sendPage(reply: FastifyReply, page: string, status = 200) {
  return reply.status(status).type('text/html; charset=utf-8').send(page)
}
