/**
 * Runs the embedded database in a child process and serves it on a unix socket.
 *
 * PGlite runs on the thread that calls it: a slow query would freeze every request if it lived in the
 * web process. Here it gets its own process, reached through an ordinary `pg` pool, so the app speaks
 * the same protocol to PGlite and to a native PostgreSQL.
 */
import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import lockfile from 'proper-lockfile'

const [dataDir, socketPath] = process.argv.slice(2)
if (!dataDir || !socketPath || !process.send) {
  console.error('usage: forked by openDatabase() with <dataDir> <socketPath>')
  process.exit(2)
}

mkdirSync(dataDir, { recursive: true })
let release: () => Promise<void>
try {
  release = await lockfile.lock(dataDir, { lockfilePath: `${dataDir}/lifeline.lock`, stale: 10_000 })
} catch {
  process.send({ type: 'locked' })
  process.exit(3)
}

const db = await PGlite.create({ dataDir: `${dataDir}/pglite`, extensions: { pg_trgm } })
await db.exec('CREATE EXTENSION IF NOT EXISTS pg_trgm')
const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 1 })
await server.start()
process.send({ type: 'ready' })

let closing = false
async function shutdown() {
  if (closing) return
  closing = true
  await server.stop()
  await db.close()
  await release()
  process.exit(0)
}
// The parent going away (even by SIGKILL) closes the IPC channel: close the database cleanly then.
process.on('disconnect', shutdown)
process.on('SIGTERM', shutdown)
process.on('SIGINT', () => {})
