/**
 * Device cookies (OWASP's "Slow Down Online Guessing Attacks with Device Cookies"): after a full,
 * successful sign-in the browser gets a cookie `<nonce>.<mac>`, the MAC (BLAKE2b under a key derived
 * from the server key, so every node shares it and no copy of the database can forge one) binding a
 * random nonce to the account. A
 * browser presenting a valid one for the account it signs in to is judged by its own failures, not the
 * account's (throttle.ts), so whoever guesses the account's password cannot keep its member out.
 *
 * The account is bound by the MAC rather than written in the cookie: a seized laptop's cookie jar
 * then does not say which account its owner holds. A new nonce comes with every full sign-in.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { mac as keyedMac, randomBytes, safeEqual } from '../crypto/primitives.ts'
import { serverKeyOf } from '../crypto/server-key.ts'
import type { Db } from '../db/database.ts'

/** How long a browser stays known without signing in again. */
const MAX_AGE_S = 180 * 24 * 3600

/** The device cookie's name: `__Host-` prefixed over https, so no other host or path can set it. */
export function deviceCookieName(secure: boolean): string {
  return secure ? '__Host-lifeline_device' : 'lifeline_device'
}

// On the store's db, never a transaction: only it knows the server key.
const mac = async (db: Db, userId: string, nonce: string) =>
  keyedMac(`${userId}.${nonce}`, serverKeyOf(db).derive('device cookies')).toString('base64url')

/** Gives the browser a new device cookie for `userId`. */
export async function issueDeviceCookie(
  db: Db,
  reply: FastifyReply,
  userId: string,
  secure: boolean,
): Promise<void> {
  const nonce = randomBytes(16).toString('base64url')
  reply.setCookie(deviceCookieName(secure), `${nonce}.${await mac(db, userId, nonce)}`, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure,
    maxAge: MAX_AGE_S,
  })
}

/** The nonce of the request's device cookie if it is valid for `userId`; null otherwise. */
export async function trustedDevice(
  db: Db,
  request: FastifyRequest,
  userId: string | null,
  secure: boolean,
): Promise<string | null> {
  const [nonce, sent, ...rest] = (request.cookies[deviceCookieName(secure)] ?? '').split('.')
  if (!userId || !nonce || !sent || rest.length || !/^[\w-]{22}$/.test(nonce)) return null
  return safeEqual(sent, await mac(db, userId, nonce)) ? nonce : null
}
