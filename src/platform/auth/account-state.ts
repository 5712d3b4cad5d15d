/**
 * Disabling and enabling a staff account. A disabled account (perhaps phished, perhaps a member who
 * left) loses every key it held to sealed records and every session, in the same transaction as the
 * state change, so no moment exists where the account is disabled yet a copy of its private key could
 * still open a record through the database. Enabling gives nothing back: a desk member re-grants the
 * desk's records (regrantDesk), deliberately, once the account is trusted again.
 *
 * What the member already read or copied stays with them; a desk's records are re-keyed so a key they
 * kept no longer opens anything by `desk-rotation.ts`.
 */
import { audit } from '../audit.ts'
import type { Db } from '../db/database.ts'
import { endUserSessions } from './sessions.ts'

/** What disabling removed, for the audit row and the page. */
export type Disabled = { sessionsEnded: number; keysRemoved: number }

/**
 * Disables an account: marks it, ends its sessions and deletes all its `record_keys` rows, audited with
 * counts only. Runs in the caller's transaction if given one.
 */
export async function disableAccount(db: Db, change: { userId: string; actorId: string }): Promise<Disabled> {
  const run = async (trx: Db): Promise<Disabled> => {
    // The member's desks are locked first, in one order, as sealing and rotation lock a desk before its
    // records and key rows (sealed-support.ts): a record sealed meanwhile is wrapped either before this
    // (and its key row is deleted below) or after it (and, the account being disabled, never to them).
    await trx
      .selectFrom('desks')
      .select('id')
      .where(
        'id',
        'in',
        trx.selectFrom('desk_members').select('desk_id').where('user_id', '=', change.userId),
      )
      .orderBy('id')
      .forUpdate()
      .execute()
    await trx.updateTable('users').set({ disabled_at: new Date() }).where('id', '=', change.userId).execute()
    const sessionsEnded = await endUserSessions(trx, change.userId)
    const keys = await trx.deleteFrom('record_keys').where('user_id', '=', change.userId).executeTakeFirst()
    const keysRemoved = Number(keys.numDeletedRows)
    await audit(trx, {
      actorId: change.actorId,
      action: 'account.disabled',
      target: change.userId,
      detail: { sessionsEnded, keysRemoved },
    })
    return { sessionsEnded, keysRemoved }
  }
  return db.isTransaction ? run(db) : db.transaction().execute(run)
}

/** Enables an account again. It holds no key to any sealed record until a desk member re-grants one. */
export async function enableAccount(db: Db, change: { userId: string; actorId: string }): Promise<void> {
  const run = async (trx: Db) => {
    await trx.updateTable('users').set({ disabled_at: null }).where('id', '=', change.userId).execute()
    await audit(trx, { actorId: change.actorId, action: 'account.enabled', target: change.userId })
  }
  await (db.isTransaction ? run(db) : db.transaction().execute(run))
}
