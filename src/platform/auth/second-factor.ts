/** The outcome of a sign-in step, the same whichever factor was used: audited, counted, noticed. */
import { audit } from '../audit.ts'
import type { Db } from '../db/database.ts'
import { type Session, updateSession } from './sessions.ts'
import { type Attempt, attemptFailed, attemptSucceeded } from './throttle.ts'
import { checkTotp, claimTotpStep, useRecoveryCode } from './totp.ts'

// The audited actions that are a failed attempt on an account, counted for the member's notice: a
// wrong code typed in a signed-in session (reauth.ts) may be a stolen session guessing.
const FAILURES = ['signin.failed', 'signin.second_factor_failed', 'account.reauth_failed']

/** The factor a code passed as. */
export type SecondFactor = 'totp' | 'recovery-code'

/**
 * Checks a TOTP code against `totpSecret` (claiming its time step, so it works once) or else a
 * recovery code (used up). Run it on the store's db: recovery codes are keyed from the server key.
 */
export async function checkCode(
  db: Db,
  userId: string,
  totpSecret: string | null,
  code: string,
): Promise<SecondFactor | null> {
  if (totpSecret) {
    const user = await db
      .selectFrom('users')
      .select('totp_last_step')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow()
    const step = checkTotp(totpSecret, code, user.totp_last_step)
    if (step !== null && (await claimTotpStep(db, userId, step))) return 'totp'
  }
  if (await useRecoveryCode(db, userId, code)) return 'recovery-code'
  return null
}

/**
 * Records a full sign-in (in the caller's transaction) and returns how many attempts on the account
 * failed since its previous one, from the audit log, for the notice the member then sees.
 */
export async function signedIn(db: Db, userId: string, factor: string): Promise<number> {
  const last = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('target', '=', userId)
    .where('action', '=', 'signin.success')
    .executeTakeFirst()
  const failed = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('target', '=', userId)
    .where('action', 'in', FAILURES)
    .where('id', '>', Number(last?.id ?? 0))
    .executeTakeFirstOrThrow()
  await audit(db, { actorId: userId, action: 'signin.success', target: userId, detail: { factor } })
  return Number(failed.count)
}

/**
 * The session is fully signed in: the attempt no longer counts, the sign-in is audited and the count
 * of failures since the last one kept in the session for the notice, all at once; returns that count.
 * The TOTP secret leaves the session's secrets: for its remaining hours the session would otherwise
 * carry it, where whoever reads the session with its cookie gets a second factor that outlives it.
 */
export async function secondFactorPassed(
  db: Db,
  session: Session,
  attempt: Attempt,
  factor: string,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await attemptSucceeded(trx, attempt)
    const failedSignins = await signedIn(trx, session.user.id, factor)
    const { passkeyChallenge: _, totpSecret: __, ...secrets } = session.secrets
    await updateSession(trx, session, {
      stage: 'full',
      secrets: failedSignins ? { ...secrets, failedSignins } : secrets,
    })
    return failedSignins
  })
}

/**
 * A wrong password or second factor: audited as `action`, and so is any wait it brings on (or the
 * device it stops trusting). The attempt's rows already count against the throttle.
 */
export async function signInFailed(
  db: Db,
  attempt: Attempt,
  event: { action: string; actorId: string | null; target: string | null },
): Promise<void> {
  await audit(db, event)
  for (const { by, waitMs } of await attemptFailed(db, attempt)) {
    await audit(db, {
      actorId: event.actorId,
      action: by === 'device' ? 'signin.device_distrusted' : 'signin.delayed',
      target: event.target,
      detail: by === 'device' ? {} : { by, seconds: Math.ceil(waitMs / 1000) },
    })
  }
}

/** Where to go after a full sign-in: the notice of failed attempts first, when there were some. */
export function afterSignIn(next: string, failedSignins: number): string {
  return failedSignins ? `/login/notice?next=${encodeURIComponent(next)}` : next
}
