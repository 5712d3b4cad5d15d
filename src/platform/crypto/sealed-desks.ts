/**
 * Desks and who holds their records' keys: members joining and leaving, and regranting a desk's records
 * to a member whose key pair changed. Callers import from sealed-records.ts.
 */
import type { Db } from '../db/database.ts'
import { CryptoError } from './primitives.ts'
import {
  audit,
  inTransaction,
  isDeskMember,
  type KeyHolder,
  lockDesk,
  SealedError,
  unwrapKey,
  type Wrap,
  wrapKey,
  writeWraps,
} from './sealed-support.ts'

/** Creates a desk (a group whose members can read the records sealed to it); returns its id. */
export async function createDesk(db: Db, desk: { slug: string; name: string }): Promise<string> {
  const row = await db
    .insertInto('desks')
    .values({ slug: desk.slug, name: desk.name })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/**
 * Adds a member so records sealed from now on are wrapped to them. Records sealed before stay closed to
 * them until a member who can open them calls `regrantDesk`: the server holds no key that could.
 */
export async function addDeskMember(
  db: Db,
  change: { deskId: string; userId: string; actorId: string },
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await lockDesk(trx, change.deskId, 'update')
    const added = await trx
      .insertInto('desk_members')
      .values({ desk_id: change.deskId, user_id: change.userId })
      .onConflict((conflict) => conflict.columns(['desk_id', 'user_id']).doNothing())
      .returning('user_id')
      .executeTakeFirst()
    if (!added) return
    await audit(trx, {
      actorId: change.actorId,
      action: 'desk.member_added',
      target: change.deskId,
      detail: { deskId: change.deskId, userId: change.userId },
    })
  })
}

/**
 * Removes a member and every key row they hold for the desk's records; records sealed afterwards are not
 * wrapped to them. What they already decrypted or copied stays with them: `rotateRecord` re-keys a record
 * so a key they kept no longer opens it.
 */
export async function removeDeskMember(
  db: Db,
  change: { deskId: string; userId: string; actorId: string },
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await lockDesk(trx, change.deskId, 'update')
    const keys = await trx
      .deleteFrom('record_keys')
      .where('user_id', '=', change.userId)
      .where(
        'record_id',
        'in',
        trx.selectFrom('sealed_records').select('id').where('desk_id', '=', change.deskId),
      )
      .executeTakeFirst()
    const membership = await trx
      .deleteFrom('desk_members')
      .where('desk_id', '=', change.deskId)
      .where('user_id', '=', change.userId)
      .executeTakeFirst()
    const keysRemoved = Number(keys.numDeletedRows)
    if (keysRemoved === 0 && Number(membership.numDeletedRows) === 0) return
    await audit(trx, {
      actorId: change.actorId,
      action: 'desk.member_removed',
      target: change.deskId,
      detail: { deskId: change.deskId, userId: change.userId, keysRemoved },
    })
  })
}

/**
 * Wraps the key of every desk record the granter can open to the grantee's current public key; returns
 * how many. This is how a member whose key pair changed (a password reset) gets access back: there is
 * no escrow. Both must be current members (ERR_NOT_DESK_MEMBER), so a removed member can't be re-keyed,
 * and the grantee's account must be enabled (ERR_GRANTEE_DISABLED): a disabled account gets no keys.
 */
export async function regrantDesk(
  db: Db,
  grant: { deskId: string; granter: KeyHolder; granteeId: string },
): Promise<number> {
  const { deskId, granter, granteeId } = grant
  return inTransaction(db, async (trx) => {
    await lockDesk(trx, deskId, 'share')
    for (const userId of [granter.userId, granteeId]) {
      if (!(await isDeskMember(trx, deskId, userId))) {
        throw new SealedError('ERR_NOT_DESK_MEMBER', `User ${userId} is not a member of desk ${deskId}`)
      }
    }
    const grantee = await trx
      .selectFrom('users')
      .select(['public_key', 'disabled_at'])
      .where('id', '=', granteeId)
      .executeTakeFirstOrThrow()
    if (grantee.disabled_at)
      throw new SealedError('ERR_GRANTEE_DISABLED', `User ${granteeId} is disabled and gets no keys`)
    // Locked before the granter's wraps are read, so a concurrent rotation can't replace a key in between.
    const records = trx.selectFrom('sealed_records').select('id').where('desk_id', '=', deskId)
    await records.forShare().execute()
    const held = await trx
      .selectFrom('record_keys')
      .innerJoin('sealed_records', 'sealed_records.id', 'record_keys.record_id')
      .select(['record_keys.record_id', 'record_keys.wrapped_key', 'sealed_records.format'])
      .where('record_keys.user_id', '=', granter.userId)
      .where('record_keys.record_id', 'in', records)
      .execute()
    const wraps: Wrap[] = []
    for (const { record_id, wrapped_key, format } of held) {
      const key = openOrSkip(wrapped_key, { id: record_id, format }, granter)
      if (!key) continue
      wraps.push({
        record_id,
        user_id: granteeId,
        wrapped_key: wrapKey(key, record_id, granteeId, grantee.public_key),
      })
      key.fill(0)
    }
    await writeWraps(trx, wraps)
    await audit(trx, {
      actorId: granter.userId,
      action: 'sealed.regrant',
      target: deskId,
      detail: { deskId, granteeId, count: wraps.length },
    })
    return wraps.length
  })
}

// The granter's own wraps from before their key pair changed no longer open (nor do wraps moved from
// another record or member): those aren't theirs to pass on.
function openOrSkip(wrapped: Buffer, record: { id: string; format: number }, granter: KeyHolder) {
  try {
    return unwrapKey(wrapped, record, granter)
  } catch (error) {
    if (error instanceof CryptoError) return undefined
    throw error
  }
}
