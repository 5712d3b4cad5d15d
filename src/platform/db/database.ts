import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { defaultErasureKeysDir, ErasureKeys } from '../crypto/erasure-keys.ts'
import type { Database } from './tables.ts'

/** Kysely bound to Lifeline's tables. */
export type Db = Kysely<Database>

/** An open store: the query builder, the raw pool (for pg-boss) and how to close both. */
export type Store = {
  db: Db
  pool: pg.Pool
  engine: 'pglite' | 'postgres'
  /** Where help-desk reports' erasure keys live (outside the database and its backups). */
  erasureKeys: ErasureKeys
  /** Embedded only: a consistent copy of the data dir (gzip'd tar, PGlite's dumpDataDir), taken between queries. */
  dump?(): Promise<Readable>
  close(): Promise<void>
}

/** Raised when another process already holds the embedded database. */
export class DataDirLockedError extends Error {}

// BIGINT counts come back as strings by default; Lifeline's counts fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))
// A DATE is a calendar day, not an instant: keep it as 'YYYY-MM-DD' so no time zone can shift it.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value)

/**
 * Opens native PostgreSQL when a URL is given, otherwise the embedded database in `dataDir`; with it
 * the erasure keys, in `erasureKeysDir` or else beside the data dir (see erasure-keys.ts).
 */
export async function openStore(options: {
  databaseUrl?: string
  dataDir: string
  erasureKeysDir?: string
}): Promise<Store> {
  const keysDir = options.erasureKeysDir
    ? resolve(options.erasureKeysDir)
    : defaultErasureKeysDir(options.dataDir)
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 })
    return storeFor(pool, 'postgres', new ErasureKeys(keysDir, true), async () => {})
  }
  return openEmbedded(resolve(options.dataDir), new ErasureKeys(keysDir, false))
}

const erasureKeysByDb = new WeakMap<Db, ErasureKeys>()

/** The erasure keys of the store `db` belongs to (not of a transaction: look them up before one). */
export function erasureKeysOf(db: Db): ErasureKeys {
  const keys = erasureKeysByDb.get(db)
  if (!keys) throw new Error("No erasure keys for this database handle (a transaction? use the store's db)")
  return keys
}

async function openEmbedded(dataDir: string, erasureKeys: ErasureKeys): Promise<Store> {
  const socketDir = mkdtempSync(join(tmpdir(), 'lifeline-db-'))
  const host = fork(
    new URL('./pglite-host.ts', import.meta.url),
    [dataDir, join(socketDir, '.s.PGSQL.5432')],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  )
  const outcome = await new Promise<string>((done) => {
    host.once('message', (message: { type: string }) => done(message.type))
    host.once('exit', (code) => done(`exit ${code}`))
  })
  if (outcome !== 'ready') {
    host.kill()
    rmSync(socketDir, { recursive: true, force: true })
    if (outcome === 'locked') {
      throw new DataDirLockedError(
        `The database in ${dataDir} is in use by another Lifeline process. Stop it first, or set DATABASE_URL to share a native PostgreSQL.`,
      )
    }
    throw new Error(`The embedded database in ${dataDir} failed to open (${outcome}).`)
  }
  // PGlite is one connection: a pool of one is the single place where access is serialised.
  const pool = new pg.Pool({ host: socketDir, port: 5432, user: 'postgres', database: 'postgres', max: 1 })
  const store = storeFor(pool, 'pglite', erasureKeys, async () => {
    const exited = new Promise((done) => host.once('exit', done))
    host.disconnect()
    await exited
    rmSync(socketDir, { recursive: true, force: true })
  })
  return { ...store, dump: dumpFrom(host) }
}

/** What pglite-host.ts answers to `{ type: 'dump', id }`. */
type DumpReply =
  | { type: 'dumped'; id: number; path: string }
  | { type: 'dump-failed'; id: number; error: string }

// The host writes the dump to a file in the data dir rather than sending it as one IPC message: a
// database can be larger than is wise to hold twice in memory and push through a pipe at once.
function dumpFrom(host: ChildProcess): () => Promise<Readable> {
  let lastId = 0
  return () =>
    new Promise((done, fail) => {
      const id = ++lastId
      const onMessage = (reply: DumpReply) => {
        if (reply.id !== id) return
        stopListening()
        if (reply.type === 'dumped') readOnce(reply.path).then(done, fail)
        else fail(new Error(`The embedded database could not be copied: ${reply.error}`))
      }
      const onExit = () => {
        stopListening()
        fail(new Error('The embedded database stopped while it was being copied.'))
      }
      const stopListening = () => {
        host.off('message', onMessage)
        host.off('exit', onExit)
      }
      host.on('message', onMessage)
      host.once('exit', onExit)
      host.send({ type: 'dump', id })
    })
}

// Unlinked as soon as it is open: the copy is gone when the stream closes, even if this process dies.
async function readOnce(path: string): Promise<Readable> {
  const handle = await open(path, 'r')
  await rm(path, { force: true })
  return handle.createReadStream()
}

function storeFor(
  pool: pg.Pool,
  engine: Store['engine'],
  erasureKeys: ErasureKeys,
  closeEngine: () => Promise<void>,
): Store {
  // An idle client's error (the server went away) must not crash the process; the next query reports it.
  pool.on('error', () => {})
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  erasureKeysByDb.set(db, erasureKeys)
  return {
    db,
    pool,
    engine,
    erasureKeys,
    async close() {
      await db.destroy()
      await closeEngine()
    },
  }
}
