/** The outcome of a second-factor step, the same whichever factor was used. */
import { audit } from '../audit.ts'
import type { Db } from '../db/database.ts'
import { type Session, updateSession } from './sessions.ts'
import { type Attempt, attemptSucceeded, forgetAccountFailures } from './throttle.ts'

/** The session is fully signed in: its failures are forgotten and the sign-in audited, all at once. */
export async function secondFactorPassed(
  db: Db,
  session: Session,
  attempt: Attempt,
  factor: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await attemptSucceeded(trx, attempt)
    await forgetAccountFailures(trx, attempt)
    await updateSession(trx, session, { stage: 'full' })
    await audit(trx, {
      actorId: session.user.id,
      action: 'signin.success',
      target: session.user.id,
      detail: { factor },
    })
  })
}

/** A wrong second factor: audited (the attempt already counts against the throttle). */
export async function secondFactorFailed(db: Db, session: Session): Promise<void> {
  await audit(db, {
    actorId: session.user.id,
    action: 'signin.second_factor_failed',
    target: session.user.id,
  })
}
