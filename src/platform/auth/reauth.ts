/**
 * Proof that the member is at the keyboard before a change that would let a thief stay in: new
 * recovery codes, a new passkey. A stolen session (a cookie from an unlocked laptop, a browser taken
 * over) holds neither the member's phone nor their recovery codes, so it is asked for one of them: the
 * current code from the authenticator app, or an unused recovery code (used up like at sign-in).
 *
 * Not the password: a password is what phishing and a glance over the shoulder most often give away,
 * so it proves less about the person than the second factor these changes replace; checking it costs a
 * full Argon2id run (seconds of CPU and tens of MiB) that a stolen session could repeat to load the
 * node; and it would open the private key again where the session already holds it. A code costs an
 * HMAC, claims its time step so an overheard one can't be replayed, and every attempt counts against
 * the sign-in throttle like any guess.
 */
import type { FastifyRequest } from 'fastify'
import { boxOpen, keyPairFromPrivate } from '../crypto/primitives.ts'
import type { Db } from '../db/database.ts'
import { actor } from '../request-context.ts'
import { trustedDevice } from './device-cookies.ts'
import { checkCode, type SecondFactor, signInFailed } from './second-factor.ts'
import type { Session } from './sessions.ts'
import { attemptSucceeded, beginAttempt } from './throttle.ts'

/**
 * The member's TOTP secret, opened from their row with the private key the session holds: the session
 * itself no longer carries it once signed in. Null when the member has none.
 */
export async function openTotpSecret(db: Db, session: Session): Promise<string | null> {
  const row = await db
    .selectFrom('users')
    .select('wrapped_totp_secret')
    .where('id', '=', session.user.id)
    .executeTakeFirst()
  if (!row?.wrapped_totp_secret) return null
  const keyPair = keyPairFromPrivate(Buffer.from(session.secrets.privateKey, 'base64'))
  return boxOpen(row.wrapped_totp_secret, keyPair).toString('utf8')
}

/** How a proof went: which factor passed, a wait before any attempt counts, or a wrong code. */
export type Proof =
  | { outcome: 'passed'; factor: SecondFactor }
  | { outcome: 'wait'; waitMs: number }
  | { outcome: 'wrong' }

/**
 * Checks `code` (TOTP or recovery code) for the session's member, throttled and audited like a
 * sign-in attempt; a wrong one is audited as `account.reauth_failed` and changes nothing else.
 */
export async function proveMember(
  db: Db,
  request: FastifyRequest,
  options: { code: string; secure: boolean },
): Promise<Proof> {
  const session = actor(request)
  const device = await trustedDevice(db, request, session.user.id, options.secure)
  const attempt = await beginAttempt(db, { email: session.user.email, address: request.ip, device })
  if (attempt.waitMs) return { outcome: 'wait', waitMs: attempt.waitMs }
  const factor = await checkCode(db, session.user.id, await openTotpSecret(db, session), options.code)
  if (!factor) {
    const event = { actorId: session.user.id, target: session.user.id }
    await signInFailed(db, attempt, { ...event, action: 'account.reauth_failed' })
    return { outcome: 'wrong' }
  }
  await attemptSucceeded(db, attempt)
  return { outcome: 'passed', factor }
}
