import { type ChildProcess, fork } from 'node:child_process'
import { open, rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { attachServerKey, defaultServerKeyFile, ServerKey } from '../crypto/server-key.ts'
import { type DataDirHolder, dataDirHolder, describeHolder } from './data-dir-lock.ts'
import type { Database } from './tables.ts'

/** Kysely bound to Lifeline's tables. */
export type Db = Kysely<Database>

/** An open store: the query builder, the raw pool (for pg-boss) and how to close both. */
export type Store = {
  db: Db
  pool: pg.Pool
  engine: 'pglite' | 'postgres'
  /** The key outside the database that members' private keys and the server's hashes need (server-key.ts). */
  serverKey: ServerKey
  /**
   * Embedded only: a consistent copy of the data dir (gzip'd tar, PGlite's dumpDataDir), taken between
   * queries. Not for backups: the files still hold deleted rows (backups copy live rows, backup/rows-dump.ts).
   */
  dump?(): Promise<Readable>
  /** Embedded, opened by a command while a server runs: that server's pid (its database is used through it). */
  viaServer?: number
  close(): Promise<void>
}

/** Raised when another process already holds the embedded database. */
export class DataDirLockedError extends Error {
  /** Who holds it, as far as can be told. */
  readonly holder: DataDirHolder
  constructor(dataDir: string, holder: DataDirHolder, message?: string) {
    super(
      message ??
        `The database in ${dataDir} is in use by another Lifeline process: ${describeHolder(holder)}. Stop it first, or set DATABASE_URL to share a native PostgreSQL.`,
    )
    this.holder = holder
  }
}

/**
 * Who opens the embedded database: a server (refused while another process holds it; serves commands
 * while it runs), or a command (goes through a running server's database, else opens it itself).
 */
export type EmbeddedRole = 'server' | 'command'

// BIGINT counts come back as strings by default; Lifeline's counts fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))
// A DATE is a calendar day, not an instant: keep it as 'YYYY-MM-DD' so no time zone can shift it.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value)

/**
 * Opens native PostgreSQL when a URL is given, otherwise the embedded database in `dataDir`; with it
 * the server key, in `serverKeyFile` or else beside the data dir (see server-key.ts). Erasure keys are
 * a dependency of their own, opened beside the store (crypto/erasure-keys.ts attachErasureKeys).
 */
export async function openStore(options: {
  databaseUrl?: string
  dataDir: string
  serverKeyFile?: string
  /** Embedded only; 'server' unless said. */
  role?: EmbeddedRole
}): Promise<Store> {
  const serverKey = await ServerKey.load(options.serverKeyFile ?? defaultServerKeyFile(options.dataDir))
  if (options.databaseUrl) {
    // No JIT compilation: the app's queries are short, and compiling one (done even for the EXPLAIN
    // behind a search's estimates) takes longer, tens of milliseconds, than running it.
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10, options: '-c jit=off' })
    return storeFor(pool, 'postgres', { serverKey }, async () => {})
  }
  return openEmbedded(resolve(options.dataDir), { serverKey }, options.role ?? 'server')
}

/** The key a store keeps outside its database. */
type OutsideKeys = { serverKey: ServerKey }

async function openEmbedded(dataDir: string, keys: OutsideKeys, role: EmbeddedRole): Promise<Store> {
  if (role === 'command') {
    const shared = await throughRunningServer(dataDir, keys)
    if (shared) return shared
  }
  const host = fork(new URL('./pglite-host.ts', import.meta.url), [dataDir, role], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const outcome = await new Promise<HostReply>((done) => {
    host.once('message', done)
    host.once('exit', (code) => done({ type: 'exit', code }))
  })
  if (outcome.type !== 'ready') {
    host.kill()
    // A server that took the data dir between our look and the fork: use it after all.
    const shared = role === 'command' ? await throughRunningServer(dataDir, keys) : null
    if (shared) return shared
    if (outcome.type === 'locked') throw new DataDirLockedError(dataDir, outcome.holder)
    throw new Error(`The embedded database in ${dataDir} failed to open (exit ${outcome.code}).`)
  }
  // PGlite is one session: a pool of one is the single place where the app's access is serialised.
  const pool = new pg.Pool({
    host: outcome.socketDir,
    port: 5432,
    user: 'postgres',
    database: 'postgres',
    max: 1,
  })
  const store = storeFor(pool, 'pglite', keys, async () => {
    const exited = new Promise((done) => host.once('exit', done))
    host.disconnect()
    await exited
  })
  return { ...store, dump: dumpFrom(host) }
}

/** What pglite-host.ts says once it has started, or not. */
type HostReply =
  | { type: 'ready'; socketDir: string }
  | { type: 'locked'; holder: DataDirHolder }
  | { type: 'exit'; code: number | null }

/** How long a command waits for a server that holds the data dir to start serving its database. */
const SERVER_START_WAIT_MS = 60_000

/**
 * A store on the database of the server running on `dataDir`, reached through its socket; null when no
 * server holds it (the command opens the files itself, or is refused by whoever else holds them).
 */
async function throughRunningServer(dataDir: string, keys: OutsideKeys): Promise<Store | null> {
  const deadline = Date.now() + SERVER_START_WAIT_MS
  let holder = dataDirHolder(dataDir)
  // A server still opening its database has no socket yet.
  while (holder?.verdict === 'live' && holder.serves && !holder.socket && Date.now() < deadline) {
    await sleep(200)
    holder = dataDirHolder(dataDir)
  }
  if (holder?.verdict !== 'live' || !holder.serves || !holder.socket) return null
  const pool = new pg.Pool({
    host: holder.socket,
    port: 5432,
    user: 'postgres',
    database: 'postgres',
    max: 1,
  })
  try {
    // Now rather than at the first query: a full server answers "too many clients" here.
    await pool.query('SELECT 1')
  } catch (error) {
    await pool.end().catch(() => {})
    throw new DataDirLockedError(
      dataDir,
      holder,
      `The Lifeline server running on ${dataDir} (pid ${holder.pid}) did not let this command reach its database: ${error}`,
    )
  }
  return { ...storeFor(pool, 'pglite', keys, async () => {}), viaServer: holder.pid ?? undefined }
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
  { serverKey }: OutsideKeys,
  closeEngine: () => Promise<void>,
): Store {
  // An idle client's error (the server went away) must not crash the process; the next query reports it.
  pool.on('error', () => {})
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  attachServerKey(db, serverKey)
  return {
    db,
    pool,
    engine,
    serverKey,
    async close() {
      await db.destroy()
      await closeEngine()
    },
  }
}
