/**
 * What sealed-desks.ts and sealed-records.ts share: the error, key holders, transactions, audit rows,
 * desk locks and key-row writes. Callers import from sealed-records.ts, not from here.
 */
import type { Db } from '../db/database.ts'
import { AppError } from '../errors.ts'
import { aeadOpen, aeadSeal, boxOpen, boxSeal, CryptoError, type KeyPair, secretOpen } from './primitives.ts'

/** The codes a `SealedError` carries; callers answer ERR_SEALED_NOT_FOUND with 404. */
export type SealedErrorCode =
  | 'ERR_SEALED_NOT_FOUND'
  | 'ERR_DESK_NOT_FOUND'
  | 'ERR_DESK_HAS_NO_MEMBERS'
  | 'ERR_NOT_DESK_MEMBER'
  | 'ERR_SEALED_TAMPERED'
  | 'ERR_GRANTEE_DISABLED'

// What a page answers when a caller lets one through: the codes a member can meet have messages.
const statusOf: Record<SealedErrorCode, number> = {
  ERR_SEALED_NOT_FOUND: 404,
  ERR_DESK_NOT_FOUND: 404,
  ERR_DESK_HAS_NO_MEMBERS: 409,
  ERR_NOT_DESK_MEMBER: 403,
  ERR_SEALED_TAMPERED: 409,
  ERR_GRANTEE_DISABLED: 409,
}

/** A sealed-data operation that can't proceed; `code` says why. */
export class SealedError extends AppError {
  declare readonly code: SealedErrorCode
  /** The record concerned, where there is one. */
  readonly recordId?: string

  constructor(code: SealedErrorCode, message: string, recordId?: string) {
    super(code, statusOf[code], message)
    this.name = 'SealedError'
    this.recordId = recordId
  }
}

/** A signed-in user with the key pair their session unwrapped. */
export type KeyHolder = { userId: string; keyPair: KeyPair }

/**
 * How a record is sealed. 1: its content under XSalsa20-Poly1305 and its key wrapped bare (records from
 * before binding, still read). 2: its content under XChaCha20-Poly1305 bound to the record's id, desk
 * and kind, and each wrap naming the record and the member it was made for.
 */
export type RecordFormat = 1 | 2

/** What a record's content is bound to: the same bytes under another id, desk or kind don't open. */
export function recordContext(record: { id: string; deskId: string; kind: string }): string {
  return `lifeline sealed record v2\0${record.id}\0${record.deskId}\0${record.kind}`
}

/** Seals a record's content in the current format. */
export function sealContent(
  record: { id: string; deskId: string; kind: string },
  content: Buffer,
  key: Buffer,
) {
  return aeadSeal(content, key, recordContext(record))
}

const BOUND_WRAP_BYTES = 64

// A uuid's 16 bytes.
function uuidBytes(id: string): Buffer {
  return Buffer.from(id.replaceAll('-', ''), 'hex')
}

/** A record's key sealed to one member, naming the record and the member inside the seal. */
export function wrapKey(key: Buffer, recordId: string, userId: string, publicKey: Buffer): Buffer {
  const plain = Buffer.concat([uuidBytes(recordId), uuidBytes(userId), key])
  try {
    return boxSeal(plain, publicKey)
  } finally {
    plain.fill(0)
  }
}

/**
 * Opens a member's wrap of a record's key. A wrap made for another record or member is refused, and so
 * is a bare wrap (from before binding) on a record of format 2. Throws CryptoError.
 */
export function unwrapKey(
  wrapped: Buffer,
  record: { id: string; format: number },
  holder: KeyHolder,
): Buffer {
  const plain = boxOpen(wrapped, holder.keyPair)
  if (plain.length === 32 && record.format === 1) return plain
  const names = Buffer.concat([uuidBytes(record.id), uuidBytes(holder.userId)])
  const bound = plain.length === BOUND_WRAP_BYTES && plain.subarray(0, 32).equals(names)
  if (!bound) {
    plain.fill(0)
    throw new CryptoError()
  }
  const key = Buffer.from(plain.subarray(32))
  plain.fill(0)
  return key
}

/** Opens a record's content with its key, by its format. Throws CryptoError. */
export function openContent(
  record: { id: string; deskId: string; kind: string; format: number; ciphertext: Buffer },
  key: Buffer,
): Buffer {
  return record.format === 2
    ? aeadOpen(record.ciphertext, key, recordContext(record))
    : secretOpen(record.ciphertext, key)
}

/** The error for a record whose stored bytes were changed, moved or swapped: never served, always audited. */
export function sealedTampered(recordId: string): SealedError {
  return new SealedError(
    'ERR_SEALED_TAMPERED',
    `Sealed record ${recordId} does not open: its data was changed`,
    recordId,
  )
}

/** Records with one member's wrap of each one's key: what opening, rotating and upgrading read. */
export function recordsWithWrap(db: Db, userId: string) {
  return db
    .selectFrom('sealed_records')
    .innerJoin('record_keys', 'record_keys.record_id', 'sealed_records.id')
    .select([
      'sealed_records.id',
      'sealed_records.desk_id',
      'sealed_records.kind',
      'sealed_records.format',
      'sealed_records.ciphertext',
      'record_keys.wrapped_key',
    ])
    .where('record_keys.user_id', '=', userId)
}

/** One row of `record_keys`: a record's key sealed to one user's public key. */
export type Wrap = { record_id: string; user_id: string; wrapped_key: Buffer }

/** Runs `fn` in the caller's transaction if there is one, otherwise in a new one. */
export function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn)
}

/**
 * Appends one audit row. Local until the platform has an audit module; `detail` only ever holds ids,
 * counts and reasons, never content or key material.
 */
export async function audit(
  db: Db,
  entry: { actorId: string | null; action: string; target: string; detail: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_id: entry.actorId,
      action: entry.action,
      target: entry.target,
      detail: JSON.stringify(entry.detail),
    })
    .execute()
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Whether `id` can be a uuid: a malformed id from a URL must read as "not found", not as a SQL error. */
export function isUuid(id: string): boolean {
  return uuidPattern.test(id)
}

/** The error for a record that doesn't exist or that this reader holds no key for: the two look alike. */
export function sealedNotFound(recordId: string): SealedError {
  return new SealedError('ERR_SEALED_NOT_FOUND', `No sealed record ${recordId} for this reader`)
}

/**
 * Locks the desk row, or throws ERR_DESK_NOT_FOUND. Work on a desk's records takes the lock shared and
 * membership changes take it exclusive, so a record sealed while a member is being removed is wrapped
 * either before the removal (and its key row is deleted with the others) or after it (and never to them).
 * Every operation locks the desk before its records and records before key rows, so none can deadlock.
 */
export async function lockDesk(db: Db, deskId: string, mode: 'share' | 'update'): Promise<void> {
  const query = db.selectFrom('desks').select('id').where('id', '=', deskId)
  const locked = mode === 'share' ? query.forShare() : query.forUpdate()
  const row = isUuid(deskId) ? await locked.executeTakeFirst() : undefined
  if (!row) throw new SealedError('ERR_DESK_NOT_FOUND', `No desk ${deskId}`)
}

/**
 * The desk's current members with their current public keys. Throws ERR_DESK_HAS_NO_MEMBERS: sealing to
 * nobody would store data no one can ever read, so the caller must decide what to do instead.
 */
export async function deskRecipients(
  db: Db,
  deskId: string,
): Promise<{ userId: string; publicKey: Buffer }[]> {
  const rows = await db
    .selectFrom('desk_members')
    .innerJoin('users', 'users.id', 'desk_members.user_id')
    .select(['users.id', 'users.public_key'])
    .where('desk_members.desk_id', '=', deskId)
    // A disabled account (perhaps phished) gets no key to anything sealed from now on.
    .where('users.disabled_at', 'is', null)
    .execute()
  if (!rows.length) throw new SealedError('ERR_DESK_HAS_NO_MEMBERS', `Desk ${deskId} has no members`)
  return rows.map((row) => ({ userId: row.id, publicKey: row.public_key }))
}

/** Whether the user is currently a member of the desk. */
export async function isDeskMember(db: Db, deskId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('desk_members')
    .select('user_id')
    .where('desk_id', '=', deskId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return row !== undefined
}

// Keeps each statement well under PostgreSQL's 65,535 bind parameters when a desk holds many records.
const wrapsPerStatement = 1000

/** Inserts key rows, replacing any the same user already had for the same record. */
export async function writeWraps(db: Db, wraps: Wrap[]): Promise<void> {
  for (let start = 0; start < wraps.length; start += wrapsPerStatement) {
    await db
      .insertInto('record_keys')
      .values(wraps.slice(start, start + wrapsPerStatement))
      .onConflict((conflict) =>
        conflict
          .columns(['record_id', 'user_id'])
          .doUpdateSet((eb) => ({ wrapped_key: eb.ref('excluded.wrapped_key') })),
      )
      .execute()
  }
}
