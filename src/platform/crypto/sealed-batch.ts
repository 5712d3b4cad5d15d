/**
 * Sealing in a single statement, for public forms under a surge. sealRecord (sealed-records.ts) takes
 * the desk's lock and reads its members in a transaction of its own: about seven round trips to the
 * database, which on the embedded database's one connection limits how many reports a second get in.
 *
 * Here a desk's recipients are read once and kept with the desk's membership version (triggers bump
 * it whenever a member joins or leaves, or a member's key or account state changes). The statement that
 * stores the records takes the desk's share lock and checks that version on the locked row: a record
 * is never sealed to a member who left or to a key that was replaced. On a mismatch nothing is stored;
 * the recipients are read again and the records sealed anew.
 */
import { randomUUID } from 'node:crypto'
import { type RawBuilder, sql } from 'kysely'
import type { Db } from '../db/database.ts'
import { newSymmetricKey } from './primitives.ts'
import { SealedError, sealContent, wrapKey } from './sealed-support.ts'

/** Who a desk's records are sealed to, as of a membership version. */
export type Recipients = { deskId: string; version: number; members: { userId: string; publicKey: Buffer }[] }

/** A record sealed in memory, ready to store: its id, ciphertext, and its key wrapped to each recipient. */
export type PreparedRecord = {
  id: string
  kind: string
  ciphertext: Buffer
  createdAt: Date | null
  wraps: { userId: string; wrappedKey: Buffer }[]
}

const known = new WeakMap<Db, Map<string, Recipients>>()

/** The desk's current recipients (read again when `fresh`, else as last read by this process). */
export async function recipientsOf(db: Db, deskId: string, fresh = false): Promise<Recipients> {
  let desks = known.get(db)
  if (!desks) {
    desks = new Map()
    known.set(db, desks)
  }
  const cached = desks.get(deskId)
  if (cached && !fresh) return cached
  const rows = await db
    .selectFrom('desks as d')
    .leftJoin('desk_members as m', 'm.desk_id', 'd.id')
    .leftJoin('users as u', (join) => join.onRef('u.id', '=', 'm.user_id').on('u.disabled_at', 'is', null))
    .select(['d.membership_version', 'u.id as user_id', 'u.public_key'])
    .where('d.id', '=', deskId)
    .execute()
  if (!rows.length) throw new SealedError('ERR_DESK_NOT_FOUND', `No desk ${deskId}`)
  const members = rows
    .filter((row) => row.user_id !== null && row.public_key !== null)
    .map((row) => ({ userId: row.user_id!, publicKey: row.public_key! }))
  if (!members.length) throw new SealedError('ERR_DESK_HAS_NO_MEMBERS', `Desk ${deskId} has no members`)
  const recipients = { deskId, version: Number(rows[0]!.membership_version), members }
  desks.set(deskId, recipients)
  return recipients
}

/** Seals `content` under a new key wrapped to every recipient; nothing is stored yet. */
export function prepareRecord(
  recipients: Recipients,
  record: { kind: string; content: Buffer; createdAt?: Date },
): PreparedRecord {
  const key = newSymmetricKey()
  const id = randomUUID()
  try {
    return {
      id,
      kind: record.kind,
      ciphertext: sealContent({ id, deskId: recipients.deskId, kind: record.kind }, record.content, key),
      createdAt: record.createdAt ?? null,
      wraps: recipients.members.map((member) => ({
        userId: member.userId,
        wrappedKey: wrapKey(key, id, member.userId, member.publicKey),
      })),
    }
  } finally {
    key.fill(0)
  }
}

/**
 * Stores `records` together with the caller's own row, in one statement. `owner` is an INSERT …
 * RETURNING id that reads from the CTE `guard` (no row when the desk's membership changed) and may
 * return no row (a conflict): the records are stored only with it, and so is `also` (more rows that
 * may read `owner`). Returns 'stored', 'repeated' (the owner returned nothing) or 'stale' (the
 * membership changed: prepare again with fresh recipients).
 */
export async function storeSealed(
  db: Db,
  recipients: Recipients,
  records: PreparedRecord[],
  owner: RawBuilder<unknown>,
  also: RawBuilder<unknown> = sql`SELECT 1`,
): Promise<'stored' | 'repeated' | 'stale'> {
  const wraps = records.flatMap((record) => record.wraps.map((wrap) => ({ ...wrap, recordId: record.id })))
  const result = await sql<{ guarded: number; owned: number }>`
    WITH guard AS (
      SELECT id FROM desks WHERE id = ${recipients.deskId}::uuid AND membership_version = ${recipients.version}::bigint
      FOR SHARE
    ), owner AS (${owner}),
    records AS (
      INSERT INTO sealed_records (id, desk_id, kind, format, ciphertext, created_at)
      SELECT r.id, ${recipients.deskId}::uuid, r.kind, 2, r.ciphertext, coalesce(r.created_at, now())
      FROM unnest(${records.map((r) => r.id)}::uuid[], ${records.map((r) => r.kind)}::text[],
                  ${records.map((r) => r.ciphertext)}::bytea[], ${records.map((r) => r.createdAt)}::timestamptz[])
        AS r(id, kind, ciphertext, created_at)
      WHERE EXISTS (SELECT 1 FROM owner)
    ), keys AS (
      INSERT INTO record_keys (record_id, user_id, wrapped_key)
      SELECT k.record_id, k.user_id, k.wrapped_key
      FROM unnest(${wraps.map((w) => w.recordId)}::uuid[], ${wraps.map((w) => w.userId)}::uuid[],
                  ${wraps.map((w) => w.wrappedKey)}::bytea[]) AS k(record_id, user_id, wrapped_key)
      WHERE EXISTS (SELECT 1 FROM owner)
    ), also AS (${also})
    SELECT (SELECT count(*) FROM guard)::int AS guarded, (SELECT count(*) FROM owner)::int AS owned`.execute(
    db,
  )
  const { guarded, owned } = result.rows[0]!
  if (!guarded) return 'stale'
  return owned ? 'stored' : 'repeated'
}
