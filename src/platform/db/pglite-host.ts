/**
 * Runs the embedded database in a child process and serves it on a unix socket.
 *
 * PGlite runs on the thread that calls it: a slow query would freeze every request if it lived in the
 * web process. Here it gets its own process, reached through an ordinary `pg` pool, so the app speaks
 * the same protocol to PGlite and to a native PostgreSQL.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { lockDataDir } from './data-dir-lock.ts'

const [dataDir, socketPath] = process.argv.slice(2)
if (!dataDir || !socketPath || !process.send) {
  console.error('usage: forked by openDatabase() with <dataDir> <socketPath>')
  process.exit(2)
}

mkdirSync(dataDir, { recursive: true })
// Held from a worker thread: PGlite below blocks this one for as long as a query runs.
const lock = (await lockDataDir(dataDir)) ?? heldElsewhere()
function heldElsewhere(): never {
  process.send?.({ type: 'locked' })
  process.exit(3)
}
// A dump left by a backup that died between our reply and its read; only this process writes them.
for (const name of readdirSync(dataDir)) if (/^dump-.*\.tmp$/.test(name)) rmSync(join(dataDir, name))

const db = await PGlite.create({ dataDir: `${dataDir}/pglite`, extensions: { pg_trgm } })
await db.exec('CREATE EXTENSION IF NOT EXISTS pg_trgm')
const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 1 })
await server.start()
process.send({ type: 'ready' })

// A backup asks for a copy of the data dir. dumpDataDir holds PGlite's query lock, so no statement runs
// mid-copy; a transaction a client left open is not in it (the copy opens as after a crash, rolling it back).
// The copy is written next to the database (the same protection as the data itself) and its path sent back.
process.on('message', async (message: { type?: string; id?: number }) => {
  if (message.type !== 'dump') return
  const path = join(dataDir, `dump-${message.id}.tmp`)
  try {
    // A checkpoint first, so the copy opens without replaying WAL; the copy is consistent either way.
    await db.exec('CHECKPOINT').catch(() => {})
    const tarball = await db.dumpDataDir('gzip')
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
  await server.stop()
  await db.close()
  await lock.release()
  process.exit(0)
}
// The parent going away (even by SIGKILL) closes the IPC channel: close the database cleanly then.
process.on('disconnect', shutdown)
process.on('SIGTERM', shutdown)
process.on('SIGINT', () => {})
