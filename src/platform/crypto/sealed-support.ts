/**
 * What sealed-desks.ts and sealed-records.ts share: the error, key holders, transactions, audit rows,
 * desk locks and key-row writes. Callers import from sealed-records.ts, not from here.
 */
import type { Db } from '../db/database.ts'
import type { KeyPair } from './primitives.ts'

/** The codes a `SealedError` carries; callers answer ERR_SEALED_NOT_FOUND with 404. */
export type SealedErrorCode =
  | 'ERR_SEALED_NOT_FOUND'
  | 'ERR_DESK_NOT_FOUND'
  | 'ERR_DESK_HAS_NO_MEMBERS'
  | 'ERR_NOT_DESK_MEMBER'

/** A sealed-data operation that can't proceed; `code` says why. */
export class SealedError extends Error {
  /** Stable machine-readable reason. */
  readonly code: SealedErrorCode

  constructor(code: SealedErrorCode, message: string) {
    super(message)
    this.name = 'SealedError'
    this.code = code
  }
}

/** A signed-in user with the key pair their session unwrapped. */
export type KeyHolder = { userId: string; keyPair: KeyPair }

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
