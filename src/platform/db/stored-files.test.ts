import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { buffer, text } from 'node:stream/consumers'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import {
  CHUNK_BYTES,
  deleteStoredFiles,
  expireStoredFiles,
  findStoredFile,
  readStoredFile,
  StoredFileGoneError,
  storeFile,
  UNFINISHED_KEEP_MS,
} from './stored-files.ts'

let store: TestStore
before(async () => {
  store = await testStore()
})
after(() => store.close())

/** `bytes` as a stream of 64 KiB pieces, as a socket or a file would give them. */
function pieces(bytes: Buffer): Readable {
  const parts: Buffer[] = []
  for (let at = 0; at < bytes.length; at += 64 * 1024) parts.push(bytes.subarray(at, at + 64 * 1024))
  return Readable.from(parts)
}

const counts = async () => {
  const files = await store.db
    .selectFrom('stored_files')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow()
  const chunks = await store.db
    .selectFrom('stored_file_chunks')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow()
  return { files: files.n, chunks: chunks.n }
}

describe('a file in the database', () => {
  it('reads back byte for byte what was written, over several chunks', async () => {
    const bytes = randomBytes(CHUNK_BYTES * 2 + 12_345)
    const file = await storeFile(store.db, pieces(bytes), { kind: 'test' })
    assert.equal(file.size, bytes.length)
    assert.equal(file.chunks, 3)
    assert.deepEqual(await findStoredFile(store.db, file.id), file)
    assert.ok((await buffer(readStoredFile(store.db, file.id))).equals(bytes))
  })

  it('cuts a piece of many chunks into chunks of CHUNK_BYTES, as a whole request body can arrive in one', async () => {
    const bytes = randomBytes(Math.floor(CHUNK_BYTES * 3.5))
    const file = await storeFile(store.db, Readable.from([bytes]), { kind: 'test' })
    assert.equal(file.chunks, 4)
    const { rows } = await sql<{ n: number; length: number }>`
      SELECT n, length(data) AS length FROM stored_file_chunks WHERE file_id = ${file.id} ORDER BY n`.execute(
      store.db,
    )
    assert.deepEqual(
      rows.map((row) => row.length),
      [CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES / 2],
    )
    assert.ok((await buffer(readStoredFile(store.db, file.id))).equals(bytes))
  })

  it('takes text from any async iterable, and an empty source makes an empty file', async () => {
    async function* lines() {
      yield 'один,'
      yield ''
      yield 'два\n'
    }
    const file = await storeFile(store.db, lines(), { kind: 'test' })
    assert.equal(await text(readStoredFile(store.db, file)), 'один,два\n')
    const empty = await storeFile(store.db, Readable.from([]), { kind: 'test' })
    assert.deepEqual([empty.size, empty.chunks], [0, 0])
    assert.equal((await buffer(readStoredFile(store.db, empty.id))).length, 0)
  })

  it('is not found while it is being written, and is once finished', async () => {
    let release = () => {}
    const paused = new Promise<void>((done) => {
      release = done
    })
    async function* slow() {
      yield randomBytes(CHUNK_BYTES)
      await paused
      yield Buffer.from('end')
    }
    const writing = storeFile(store.db, slow(), { kind: 'test' })
    // The first chunk is written while the source waits for its second.
    let id: string | undefined
    for (let tries = 0; tries < 200 && !id; tries++) {
      await new Promise((done) => setTimeout(done, 10))
      const row = await store.db
        .selectFrom('stored_files as f')
        .innerJoin('stored_file_chunks as c', 'c.file_id', 'f.id')
        .select('f.id')
        .where('f.finished_at', 'is', null)
        .executeTakeFirst()
      id = row?.id
    }
    assert.ok(id, 'the first chunk was written')
    assert.equal(await findStoredFile(store.db, id), null)
    await assert.rejects(buffer(readStoredFile(store.db, id)), StoredFileGoneError)
    release()
    const file = await writing
    assert.equal(file.id, id)
    assert.equal((await findStoredFile(store.db, id))?.size, CHUNK_BYTES + 3)
  })

  it('leaves nothing behind when its source fails part-way, and passes the error on', async () => {
    const before = await counts()
    async function* failing() {
      yield randomBytes(CHUNK_BYTES * 2)
      throw new Error('the client went away')
    }
    await assert.rejects(storeFile(store.db, failing(), { kind: 'test' }), /the client went away/)
    assert.deepEqual(await counts(), before)
  })

  it('reads one chunk ahead of its reader at most: a file deleted part-way ends in an error, not short', async () => {
    const file = await storeFile(store.db, pieces(randomBytes(CHUNK_BYTES * 5)), { kind: 'test' })
    const reader = readStoredFile(store.db, file.id)[Symbol.asyncIterator]()
    assert.equal(((await reader.next()).value as Buffer).length, CHUNK_BYTES)
    assert.equal(await deleteStoredFiles(store.db, [file.id]), 1)
    await assert.rejects(
      (async () => {
        for (let next = await reader.next(); !next.done; next = await reader.next());
      })(),
      StoredFileGoneError,
    )
    assert.equal(await findStoredFile(store.db, file.id), null)
  })

  it('is read inside a transaction through that transaction (the embedded database has one connection)', async () => {
    const bytes = randomBytes(CHUNK_BYTES + 1)
    const file = await storeFile(store.db, pieces(bytes), { kind: 'test' })
    const read = await store.db.transaction().execute(async (trx) => {
      await trx.insertInto('settings').values({ key: 'stored-files-test', value: '1' }).execute()
      return buffer(readStoredFile(trx, file.id))
    })
    assert.ok(read.equals(bytes))
  })
})

describe('expiry', () => {
  it('deletes files past their time and unfinished ones left by a dead writer; keeps the rest', async () => {
    const now = new Date()
    const make = (expiresAt: Date | null) =>
      storeFile(store.db, Readable.from(['x']), { kind: 'test', expiresAt })
    const past = await make(new Date(now.getTime() - 1000))
    const future = await make(new Date(now.getTime() + 3600_000))
    const forever = await make(null)
    const abandoned = await store.db
      .insertInto('stored_files')
      .values({ kind: 'test' })
      .returning('id')
      .executeTakeFirstOrThrow()
    await store.db
      .insertInto('stored_file_chunks')
      .values({ file_id: abandoned.id, n: 0, data: Buffer.from('half') })
      .execute()
    await sql`UPDATE stored_files SET created_at = ${new Date(now.getTime() - UNFINISHED_KEEP_MS - 1000)}
      WHERE id = ${abandoned.id}`.execute(store.db)
    const writing = await store.db
      .insertInto('stored_files')
      .values({ kind: 'test' })
      .returning('id')
      .executeTakeFirstOrThrow()

    assert.equal(await expireStoredFiles(store.db, now), 2)
    const left = (await store.db.selectFrom('stored_files').select('id').execute()).map((row) => row.id)
    for (const gone of [past.id, abandoned.id]) assert.ok(!left.includes(gone), gone)
    for (const kept of [future.id, forever.id, writing.id]) assert.ok(left.includes(kept), kept)
    const orphanChunks = await store.db
      .selectFrom('stored_file_chunks')
      .select('n')
      .where('file_id', '=', abandoned.id)
      .execute()
    assert.equal(orphanChunks.length, 0)
  })
})
