/**
 * Sealed records: content only a desk's members can read. Each record has its own random key K; the
 * content is sealed under K and K is wrapped to each member's public key. The server never holds K or
 * the content in clear, and writing needs no private key, so public forms can seal what they receive.
 *
 * The one entry point for sealed data: desk membership and regrants live in sealed-desks.ts and are
 * re-exported here.
 */
import { randomUUID } from 'node:crypto'
import type { Db } from '../db/database.ts'
import { CryptoError, newSymmetricKey } from './primitives.ts'
import {
  audit,
  deskRecipients,
  inTransaction,
  isUuid,
  type KeyHolder,
  lockDesk,
  openContent,
  recordsWithWrap,
  SealedError,
  sealContent,
  sealedNotFound,
  sealedTampered,
  unwrapKey,
  wrapKey,
  writeWraps,
} from './sealed-support.ts'

export { addDeskMember, createDesk, regrantDesk, removeDeskMember } from './sealed-desks.ts'
export { isUuid, type KeyHolder, SealedError, type SealedErrorCode } from './sealed-support.ts'

/**
 * Seals `content` to every current member of the desk (or to those of them in `onlyTo`); returns the record id. `createdAt` replaces
 * the exact time of writing where that would say too much (a help-desk report keeps it to 10 minutes).
 */
export async function sealRecord(
  db: Db,
  record: {
    deskId: string
    kind: string
    content: Buffer
    createdAt?: Date
    /**
     * Seal to these of the desk's current members only: re-sealing what only some of them could read
     * (a record sealed before others joined) must not give it to the rest.
     */
    onlyTo?: readonly string[]
  },
): Promise<string> {
  return inTransaction(db, async (trx) => {
    await lockDesk(trx, record.deskId, 'share')
    const members = await deskRecipients(trx, record.deskId)
    const recipients = record.onlyTo
      ? members.filter((member) => record.onlyTo!.includes(member.userId))
      : members
    const key = newSymmetricKey()
    const id = randomUUID()
    try {
      await trx
        .insertInto('sealed_records')
        .values({
          id,
          desk_id: record.deskId,
          kind: record.kind,
          format: 2,
          ciphertext: sealContent({ id, deskId: record.deskId, kind: record.kind }, record.content, key),
          ...(record.createdAt ? { created_at: record.createdAt } : {}),
        })
        .execute()
      const wraps = recipients.map((member) => ({
        record_id: id,
        user_id: member.userId,
        wrapped_key: wrapKey(key, id, member.userId, member.publicKey),
      }))
      await writeWraps(trx, wraps)
      return id
    } finally {
      key.fill(0)
    }
  })
}

/**
 * Decrypts a record for its reader and audits the read. Throws ERR_SEALED_NOT_FOUND when the reader holds
 * no key for it (callers answer 404) and ERR_SEALED_TAMPERED when the stored bytes don't open: changed,
 * or moved from another record, desk, kind or member (audited as `sealed.tampered`).
 */
export async function openRecord(
  db: Db,
  request: { recordId: string; reader: KeyHolder; reason?: string },
): Promise<Buffer> {
  const { recordId, reader } = request
  if (!isUuid(recordId)) throw sealedNotFound(recordId)
  return alertOnTamper(db, reader.userId, () =>
    inTransaction(db, async (trx) => {
      const row = await recordsWithWrap(trx, reader.userId)
        .where('sealed_records.id', '=', recordId)
        .executeTakeFirst()
      if (!row) throw sealedNotFound(recordId)
      const content = openRow(row, reader)
      if (!content) throw sealedTampered(recordId)
      await audit(trx, {
        actorId: reader.userId,
        action: 'sealed.read',
        target: recordId,
        detail: {
          deskId: row.desk_id,
          kind: row.kind,
          ...(request.reason ? { reason: request.reason } : {}),
        },
      })
      return content
    }),
  )
}

/**
 * Decrypts many records of one desk for their reader with one audit row naming them all (a view that
 * reads a whole list, like a help desk's surge view). Records the reader holds no key for are left out,
 * and so are records whose bytes don't open (audited as `sealed.tampered`).
 */
export async function openRecords(
  db: Db,
  request: { recordIds: string[]; reader: KeyHolder; reason: string },
): Promise<Map<string, Buffer>> {
  const { reader } = request
  const ids = request.recordIds.filter(isUuid)
  const opened = new Map<string, Buffer>()
  if (!ids.length) return opened
  return inTransaction(db, async (trx) => {
    const rows = await recordsWithWrap(trx, reader.userId).where('sealed_records.id', 'in', ids).execute()
    const tampered: string[] = []
    for (const row of rows) {
      const content = openRow(row, reader)
      if (content) opened.set(row.id, content)
      else tampered.push(row.id)
    }
    // A tampered record is left out of the list, and said so where it counts.
    if (tampered.length) await reportTampered(trx, reader.userId, tampered)
    await audit(trx, {
      actorId: reader.userId,
      action: 'sealed.read_many',
      target: request.reason,
      detail: { count: opened.size, records: [...opened.keys()] },
    })
    return opened
  })
}

/**
 * Re-encrypts a record under a fresh key wrapped to the desk's current members only, so a key anyone
 * kept from before (a removed member's, say) no longer opens it. The rotator must be able to open it.
 */
export async function rotateRecord(db: Db, request: { recordId: string; rotator: KeyHolder }): Promise<void> {
  const { recordId, rotator } = request
  if (!isUuid(recordId)) throw sealedNotFound(recordId)
  await alertOnTamper(db, rotator.userId, () =>
    inTransaction(db, async (trx) => {
      const record = await trx
        .selectFrom('sealed_records')
        .select('desk_id')
        .where('id', '=', recordId)
        .executeTakeFirst()
      if (!record) throw sealedNotFound(recordId)
      await lockDesk(trx, record.desk_id, 'share')
      const row = await recordsWithWrap(trx, rotator.userId)
        .where('sealed_records.id', '=', recordId)
        .forNoKeyUpdate('sealed_records')
        .executeTakeFirst()
      if (!row) throw sealedNotFound(recordId)
      const recipients = await deskRecipients(trx, record.desk_id)
      const content = openRow(row, rotator)
      if (!content) throw sealedTampered(recordId)
      const newKey = newSymmetricKey()
      try {
        const ciphertext = sealContent({ id: recordId, deskId: row.desk_id, kind: row.kind }, content, newKey)
        await trx
          .updateTable('sealed_records')
          .set({ ciphertext, format: 2 })
          .where('id', '=', recordId)
          .execute()
        // Every old wrap goes, not just those of departed members: they all hold the old key.
        await trx.deleteFrom('record_keys').where('record_id', '=', recordId).execute()
        const wraps = recipients.map((member) => ({
          record_id: recordId,
          user_id: member.userId,
          wrapped_key: wrapKey(newKey, recordId, member.userId, member.publicKey),
        }))
        await writeWraps(trx, wraps)
      } finally {
        content.fill(0)
        newKey.fill(0)
      }
      await audit(trx, {
        actorId: rotator.userId,
        action: 'sealed.rotate',
        target: recordId,
        detail: { deskId: record.desk_id, kind: row.kind, recipients: recipients.length },
      })
    }),
  )
}

/**
 * Crypto-shreds a record: deletes every wrapped key and the ciphertext. Throws ERR_SEALED_NOT_FOUND if
 * it doesn't exist. Authorising the actor is the caller's job.
 */
export async function shredRecord(
  db: Db,
  request: { recordId: string; actorId: string | null },
): Promise<void> {
  const { recordId, actorId } = request
  if (!isUuid(recordId)) throw sealedNotFound(recordId)
  await inTransaction(db, async (trx) => {
    // The record is locked before its key rows, the order every other operation takes.
    const record = await trx
      .selectFrom('sealed_records')
      .select(['desk_id', 'kind'])
      .where('id', '=', recordId)
      .forUpdate()
      .executeTakeFirst()
    if (!record) throw sealedNotFound(recordId)
    const keys = await trx.deleteFrom('record_keys').where('record_id', '=', recordId).executeTakeFirst()
    await trx.deleteFrom('sealed_records').where('id', '=', recordId).execute()
    await audit(trx, {
      actorId,
      action: 'sealed.shred',
      target: recordId,
      detail: { deskId: record.desk_id, kind: record.kind, keysRemoved: Number(keys.numDeletedRows) },
    })
  })
}

/** A stored record with its reader's wrap, as the reads above select it. */
type StoredRow = {
  id: string
  desk_id: string
  kind: string
  format: number
  ciphertext: Buffer
  wrapped_key: Buffer
}

// The record's content, or null when its wrap or ciphertext doesn't open for this reader.
function openRow(row: StoredRow, reader: KeyHolder): Buffer | null {
  let key: Buffer | undefined
  try {
    key = unwrapKey(row.wrapped_key, { id: row.id, format: row.format }, reader)
    return openContent({ ...row, deskId: row.desk_id }, key)
  } catch (error) {
    if (error instanceof CryptoError) return null
    throw error
  } finally {
    key?.fill(0)
  }
}

// An alert in the audit log: records whose stored bytes were changed or moved, found by this reader.
function reportTampered(db: Db, readerId: string, recordIds: string[]): Promise<void> {
  return audit(db, {
    actorId: readerId,
    action: 'sealed.tampered',
    target: recordIds[0]!,
    detail: { records: recordIds },
  })
}

// Runs `work`; a refusal for tampering is audited after its transaction ended, so the alert stays.
async function alertOnTamper<T>(db: Db, readerId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof SealedError && error.code === 'ERR_SEALED_TAMPERED' && error.recordId)
      await reportTampered(db, readerId, [error.recordId])
    throw error
  }
}
