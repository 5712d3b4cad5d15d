/**
 * Bringing sealed data forward without making anything unreadable: records sealed before binding
 * (format 1) are re-sealed in format 2 by a member who holds them, and a member whose key pair changes
 * (a password change) has every wrap they hold re-made for the new pair. Both run with a key pair
 * that only a signed-in member's password or session opens; the server can't do either alone.
 */
import type { Db } from '../db/database.ts'
import { boxOpen, boxSeal, CryptoError, type KeyPair, newSymmetricKey } from './primitives.ts'
import {
  audit,
  type KeyHolder,
  openContent,
  recordsWithWrap,
  sealContent,
  unwrapKey,
  type Wrap,
  wrapKey,
  writeWraps,
} from './sealed-support.ts'

// Records re-sealed per transaction: short enough not to hold the embedded database's one connection long.
const BATCH = 200

/**
 * Re-seals, in format 2 under a fresh key, every format-1 record `holder` holds a wrap for; each goes
 * to the same members who held it (at their current public keys; disabled members' wraps go). Returns
 * how many were upgraded. Records whose wrap or bytes don't open are left as they are.
 */
export async function upgradeRecords(db: Db, holder: KeyHolder): Promise<number> {
  let upgraded = 0
  const skipped: string[] = []
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      let query = recordsWithWrap(trx, holder.userId)
        .where('sealed_records.format', '=', 1)
        .orderBy('sealed_records.id')
        .limit(BATCH)
      if (skipped.length) query = query.where('sealed_records.id', 'not in', skipped)
      const rows = await query.execute()
      if (!rows.length) return null
      // Desks before records, as every other operation takes them (sealed-support.ts lockDesk).
      const desks = [...new Set(rows.map((row) => row.desk_id))].sort()
      await trx.selectFrom('desks').select('id').where('id', 'in', desks).orderBy('id').forShare().execute()
      const ids = rows.map((row) => row.id)
      await trx
        .selectFrom('sealed_records')
        .select('id')
        .where('id', 'in', ids)
        .orderBy('id')
        .forUpdate()
        .execute()
      const holders = await trx
        .selectFrom('record_keys')
        .innerJoin('users', 'users.id', 'record_keys.user_id')
        .select(['record_keys.record_id', 'users.id', 'users.public_key', 'users.disabled_at'])
        .where('record_keys.record_id', 'in', ids)
        .execute()
      const wraps: Wrap[] = []
      const resealed: string[] = []
      for (const row of rows) {
        const sealed = resealed1(row, holder)
        if (!sealed) {
          skipped.push(row.id)
          continue
        }
        try {
          for (const member of holders.filter((h) => h.record_id === row.id && !h.disabled_at)) {
            wraps.push({
              record_id: row.id,
              user_id: member.id,
              wrapped_key: wrapKey(sealed.key, row.id, member.id, member.public_key),
            })
          }
        } finally {
          sealed.key.fill(0)
        }
        await trx
          .updateTable('sealed_records')
          .set({ ciphertext: sealed.ciphertext, format: 2 })
          .where('id', '=', row.id)
          .execute()
        resealed.push(row.id)
      }
      if (resealed.length) {
        await trx.deleteFrom('record_keys').where('record_id', 'in', resealed).execute()
        await writeWraps(trx, wraps)
        await audit(trx, {
          actorId: holder.userId,
          action: 'sealed.upgrade',
          target: holder.userId,
          detail: { count: resealed.length },
        })
      }
      return resealed.length
    })
    if (done === null) return upgraded
    upgraded += done
  }
}

// A format-1 record's content re-sealed in format 2 under a new key, or null when it doesn't open.
function resealed1(
  row: { id: string; desk_id: string; kind: string; format: number; ciphertext: Buffer; wrapped_key: Buffer },
  holder: KeyHolder,
): { key: Buffer; ciphertext: Buffer } | null {
  let oldKey: Buffer | undefined
  let content: Buffer | undefined
  try {
    oldKey = unwrapKey(row.wrapped_key, row, holder)
    content = openContent({ ...row, deskId: row.desk_id }, oldKey)
    const key = newSymmetricKey()
    return { key, ciphertext: sealContent({ id: row.id, deskId: row.desk_id, kind: row.kind }, content, key) }
  } catch (error) {
    if (error instanceof CryptoError) return null
    throw error
  } finally {
    oldKey?.fill(0)
    content?.fill(0)
  }
}

/**
 * Re-makes every wrap `userId` holds for the key pair `to`, opening each with `from`; wraps that don't
 * open with `from` are deleted (they could never be read). Also re-seals the member's TOTP secret. Run it
 * in the transaction that stores the new public key. Returns how many wraps were kept.
 */
export async function rewrapMember(
  trx: Db,
  change: { userId: string; from: KeyPair; to: KeyPair },
): Promise<number> {
  const { userId, from, to } = change
  const held = await trx
    .selectFrom('record_keys')
    .innerJoin('sealed_records', 'sealed_records.id', 'record_keys.record_id')
    .select(['record_keys.record_id', 'record_keys.wrapped_key', 'sealed_records.format'])
    .where('record_keys.user_id', '=', userId)
    .execute()
  const wraps: Wrap[] = []
  for (const row of held) {
    let key: Buffer
    try {
      key = unwrapKey(row.wrapped_key, { id: row.record_id, format: row.format }, { userId, keyPair: from })
    } catch (error) {
      if (error instanceof CryptoError) continue
      throw error
    }
    wraps.push({
      record_id: row.record_id,
      user_id: userId,
      wrapped_key: wrapKey(key, row.record_id, userId, to.publicKey),
    })
    key.fill(0)
  }
  await trx.deleteFrom('record_keys').where('user_id', '=', userId).execute()
  await writeWraps(trx, wraps)
  const user = await trx
    .selectFrom('users')
    .select('wrapped_totp_secret')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow()
  if (user.wrapped_totp_secret) {
    const secret = boxOpen(user.wrapped_totp_secret, from)
    await trx
      .updateTable('users')
      .set({ wrapped_totp_secret: boxSeal(secret, to.publicKey) })
      .where('id', '=', userId)
      .execute()
    secret.fill(0)
  }
  return wraps.length
}
