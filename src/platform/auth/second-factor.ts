/** The outcome of a sign-in step, the same whichever factor was used: audited, counted, noticed. */
import { audit } from '../audit.ts'
import type { Db } from '../db/database.ts'
import { type Session, updateSession } from './sessions.ts'
import { type Attempt, attemptFailed, attemptSucceeded } from './throttle.ts'

// The audited actions that are a failed attempt on an account, counted for the member's notice.
const FAILURES = ['signin.failed', 'signin.second_factor_failed']

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
    const { passkeyChallenge: _, ...secrets } = session.secrets
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
