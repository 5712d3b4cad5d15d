/**
 * Files kept in the database, so that every app node on a shared PostgreSQL reaches what another
 * wrote: an upload waiting for the job that reads it, an export waiting for its download. A file is a
 * `stored_files` row and numbered chunks of about CHUNK_BYTES in `stored_file_chunks`.
 *
 * - Written as a stream, a chunk per statement, never in one transaction: on the embedded database
 *   (one connection) a transaction held for the minutes a large file takes would stop every other
 *   query. So a file is visible only once `finished_at` is set; a writer that fails deletes what it
 *   wrote, and one that died leaves an unfinished file that `expireStoredFiles` removes a day later.
 * - Read as a stream, a chunk per statement, one chunk ahead: memory stays flat whatever the size.
 *   A file deleted while it is read ends the stream with an error, never with a silently short file.
 * - Deleted by whoever owns it (`deleteStoredFiles`), or at its `expiresAt` if it was given one.
 */
import { Readable } from 'node:stream'
import type { ColumnType, Generated } from 'kysely'
import { sql } from 'kysely'
import { defineJob } from '../jobs/queue.ts'
import type { Db } from './database.ts'

declare module './tables.ts' {
  interface Database {
    stored_files: {
      id: Generated<string>
      /** Who owns it, e.g. 'chronicle-import': for counting and reading logs, not for access. */
      kind: string
      size: number | null
      chunks: number | null
      created_at: ColumnType<Date, never, never>
      finished_at: Date | null
      expires_at: Date | null
    }
    stored_file_chunks: { file_id: string; n: number; data: Buffer }
  }
}

/**
 * Bytes per chunk (the last may be shorter). Large enough that a statement's round trip is small
 * beside its bytes; small enough that two chunks in memory (one being written or read, the next
 * being filled or fetched) are nothing beside a request's share of the process. Not larger: the
 * embedded database's socket server gathers each incoming message by copying all it has so far at
 * every read from the socket, so its cost grows with the square of a message's size.
 */
export const CHUNK_BYTES = 256 * 1024

/** An unfinished file older than this was left by a writer that died. */
export const UNFINISHED_KEEP_MS = 24 * 3600 * 1000

/** A finished file: its id, size in bytes and number of chunks. */
export type StoredFile = { id: string; kind: string; size: number; chunks: number; createdAt: Date }

/** A stored file's chunk was gone while it was read: the file was deleted part-way. */
export class StoredFileGoneError extends Error {
  constructor(id: string) {
    super(`Stored file ${id} was deleted while it was read`)
  }
}

async function deletePartial(db: Db, id: string) {
  await db
    .deleteFrom('stored_files')
    .where('id', '=', id)
    .execute()
    .catch(() => {})
}

/**
 * Writes `source` (a readable stream, or any async iterable of bytes or text) as a new file and
 * returns it once finished. While chunk n is written, chunk n + 1 is filled from the source. If the
 * source or the database fails, what was written is deleted and the error is thrown.
 */
export async function storeFile(
  db: Db,
  source: AsyncIterable<Uint8Array | string>,
  options: { kind: string; expiresAt?: Date | null },
): Promise<StoredFile> {
  const file = await db
    .insertInto('stored_files')
    .values({ kind: options.kind, expires_at: options.expiresAt ?? null })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow()
  let writing: Promise<unknown> = Promise.resolve()
  let chunks = 0
  let size = 0
  const send = async (pieces: Buffer[]) => {
    await writing
    const data = Buffer.concat(pieces)
    writing = db.insertInto('stored_file_chunks').values({ file_id: file.id, n: chunks, data }).execute()
    // Awaited by the next send or at the end; until then a failure must not count as unhandled.
    writing.catch(() => {})
    chunks += 1
  }
  try {
    // Every chunk but the last is CHUNK_BYTES exactly, however the source cuts its pieces: a piece
    // of many MiB (a whole request body arrives as one) must not become one huge statement.
    let pending: Buffer[] = []
    let pendingBytes = 0
    for await (const piece of source) {
      let bytes =
        typeof piece === 'string'
          ? Buffer.from(piece)
          : Buffer.isBuffer(piece)
            ? piece
            : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength)
      size += bytes.length
      while (pendingBytes + bytes.length >= CHUNK_BYTES) {
        const take = CHUNK_BYTES - pendingBytes
        await send([...pending, bytes.subarray(0, take)])
        bytes = bytes.subarray(take)
        pending = []
        pendingBytes = 0
      }
      if (bytes.length) {
        pending.push(bytes)
        pendingBytes += bytes.length
      }
    }
    if (pendingBytes) await send(pending)
    await writing
    await db
      .updateTable('stored_files')
      .set({ size, chunks, finished_at: new Date() })
      .where('id', '=', file.id)
      .execute()
  } catch (error) {
    await writing.catch(() => {})
    await deletePartial(db, file.id)
    throw error
  }
  return { id: file.id, kind: options.kind, size, chunks, createdAt: file.created_at }
}

/** A finished file by id, or null (unknown, deleted, or still being written). */
export async function findStoredFile(db: Db, id: string): Promise<StoredFile | null> {
  const row = await db
    .selectFrom('stored_files')
    .select(['id', 'kind', 'size', 'chunks', 'created_at'])
    .where('id', '=', id)
    .where('finished_at', 'is not', null)
    .executeTakeFirst()
  if (!row) return null
  return {
    id: row.id,
    kind: row.kind,
    size: Number(row.size),
    chunks: Number(row.chunks),
    createdAt: row.created_at,
  }
}

async function* chunksOf(db: Db, file: StoredFile | string): AsyncGenerator<Buffer> {
  const found = typeof file === 'string' ? await findStoredFile(db, file) : file
  if (!found) throw new StoredFileGoneError(String(file))
  for (let n = 0; n < found.chunks; n++) {
    const chunk = await db
      .selectFrom('stored_file_chunks')
      .select('data')
      .where('file_id', '=', found.id)
      .where('n', '=', n)
      .executeTakeFirst()
    if (!chunk) throw new StoredFileGoneError(found.id)
    yield chunk.data
  }
}

/**
 * The bytes of a finished file as a stream (an error if there is none, or it is deleted part-way).
 * `db` may be a transaction: a reader inside one on the embedded database must read through it.
 */
export function readStoredFile(db: Db, file: StoredFile | string): Readable {
  // One chunk waits at most while the reader is slow: memory stays flat whatever the file's size.
  return Readable.from(chunksOf(db, file), { objectMode: false, highWaterMark: 1 })
}

/** Deletes files by id (finished or not); returns how many there were. */
export async function deleteStoredFiles(db: Db, ids: readonly string[]): Promise<number> {
  if (!ids.length) return 0
  const result = await db
    .deleteFrom('stored_files')
    .where('id', 'in', [...ids])
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Deletes files past their `expiresAt` and unfinished ones left by a writer that died; returns how many. */
export async function expireStoredFiles(db: Db, now = new Date()): Promise<number> {
  const result = await sql`
    DELETE FROM stored_files
    WHERE expires_at < ${now}
       OR (finished_at IS NULL AND created_at < ${new Date(now.getTime() - UNFINISHED_KEEP_MS)})`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

/** Every hour, the stored files past their time. */
export const storedFilesJob = defineJob({
  name: 'expire-stored-files',
  schedule: '41 * * * *',
  handler: async (db) => {
    await expireStoredFiles(db)
  },
})
