/**
 * Runs the embedded database in a child process and serves it on a unix socket.
 *
 * PGlite runs on the thread that calls it: a slow query would freeze every request if it lived in the
 * web process. Here it gets its own process, reached through an ordinary `pg` pool, so the app speaks
 * the same protocol to PGlite and to a native PostgreSQL.
 *
 * A server's database process also serves commands run while the server does (`lifeline user invite`):
 * it records its socket beside the data dir's lock, and pglite-connections.ts gives each connection the
 * one PGlite session in turn. That session's state is shared: Lifeline's code sets nothing that outlives
 * a transaction (no plain SET), and must not start to; see pglite-connections.ts for what is reset.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { acquireDataDir, SOCKET_DIR_NAME } from './data-dir-lock.ts'
import { PgliteConnections } from './pglite-connections.ts'

const [dataDir, role] = process.argv.slice(2)
if (!dataDir || (role !== 'server' && role !== 'command') || !process.send) {
  console.error('usage: forked by openStore() with <dataDir> server|command')
  process.exit(2)
}

/** The socket's name in its folder, as `pg` looks for it given the folder as host and port 5432. */
const SOCKET_NAME = '.s.PGSQL.5432'
/** sun_path holds 108 bytes on Linux, 104 on macOS, with the final NUL. */
const SOCKET_PATH_MAX = 103

mkdirSync(dataDir, { recursive: true })
// Held from a worker thread: PGlite below blocks this one for as long as a query runs. A server's database
// process ends with the server ('disconnect' below), so a record of both lets the next one wait for it.
const taken = await acquireDataDir(dataDir, { tiedToParent: true, serves: role === 'server' })
if ('holder' in taken) {
  process.send({ type: 'locked', holder: taken.holder })
  process.exit(3)
}
const { lock } = taken
if (lock.tookOverFrom !== undefined)
  console.error(
    `The lock on ${dataDir} was left by a process that ended (pid ${lock.tookOverFrom}); taking it over.`,
  )
// A dump left by a backup that died between our reply and its read; only this process writes them.
for (const name of readdirSync(dataDir)) if (/^dump-.*\.tmp$/.test(name)) rmSync(join(dataDir, name))

const socketDir = socketFolder()

// In the data dir when the path fits (found beside the data, guarded like it), else in a private temp
// folder; either way a folder only this user may enter. One left by a crash is ours to replace.
function socketFolder(): string {
  const inDataDir = join(dataDir as string, SOCKET_DIR_NAME)
  if (Buffer.byteLength(join(inDataDir, SOCKET_NAME)) > SOCKET_PATH_MAX)
    return mkdtempSync(join(tmpdir(), 'lifeline-db-'))
  rmSync(inDataDir, { recursive: true, force: true })
  mkdirSync(inDataDir, { mode: 0o700 })
  return inDataDir
}

const db = await PGlite.create({ dataDir: `${dataDir}/pglite`, extensions: { pg_trgm } })
await db.exec('CREATE EXTENSION IF NOT EXISTS pg_trgm')
const connections = new PgliteConnections(db)
await connections.listen(join(socketDir, SOCKET_NAME))
// Commands find a server's database through the lock's record; another command's they don't use.
if (role === 'server') await lock.publish(socketDir)
process.send({ type: 'ready', socketDir })

// A backup asks for a copy of the data dir. It takes its turn like a connection, so no statement or
// extended query runs mid-copy; a transaction a client left open is not in it (the copy opens as after a
// crash, rolling it back).
// The copy is written next to the database (the same protection as the data itself) and its path sent back.
process.on('message', async (message: { type?: string; id?: number }) => {
  if (message.type !== 'dump') return
  const path = join(dataDir, `dump-${message.id}.tmp`)
  try {
    // A checkpoint first, so the copy opens without replaying WAL; the copy is consistent either way.
    const tarball = await connections.exclusive(async () => {
      await db.exec('CHECKPOINT').catch(() => {})
      return db.dumpDataDir('gzip')
    })
    await writeFile(path, new Uint8Array(await tarball.arrayBuffer()), { mode: 0o600 })
    process.send?.({ type: 'dumped', id: message.id, path })
  } catch (error) {
    await rm(path, { force: true })
    process.send?.({ type: 'dump-failed', id: message.id, error: String(error) })
  }
})

let closing = false
async function shutdown() {
  if (closing) return
  closing = true
  await connections.close()
  await db.close()
  rmSync(socketDir, { recursive: true, force: true })
  await lock.release()
  process.exit(0)
}
// The parent going away (even by SIGKILL) closes the IPC channel: close the database cleanly then.
process.on('disconnect', shutdown)
process.on('SIGTERM', shutdown)
process.on('SIGINT', () => {})
