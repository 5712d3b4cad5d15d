/** The session cookie: set, cleared, and whether it is Secure. */
import type { FastifyReply } from 'fastify'
import type { ModuleDeps } from '../module.ts'
import { sessionCookieName } from './sessions.ts'

/** Whether cookies are Secure (and `__Host-` prefixed): when the public address is https. */
export function secureCookies(deps: ModuleDeps): boolean {
  return deps.env.publicUrl.startsWith('https://')
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure and `__Host-` behind https. */
export function setSessionCookie(deps: ModuleDeps, reply: FastifyReply, value: string) {
  reply.setCookie(sessionCookieName(secureCookies(deps)), value, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: secureCookies(deps),
  })
}

/** Removes the session cookie (a `__Host-` cookie is removed only by a Secure, path / Set-Cookie). */
export function clearSessionCookie(deps: ModuleDeps, reply: FastifyReply) {
  reply.clearCookie(sessionCookieName(secureCookies(deps)), { path: '/', secure: secureCookies(deps) })
}
