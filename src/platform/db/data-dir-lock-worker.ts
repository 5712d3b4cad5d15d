/**
 * The thread that holds a data dir's lock for data-dir-lock.ts and keeps its mtime fresh. It has its own
 * event loop, so PGlite busy on the main thread for minutes can't let the lock go stale.
 */
import { writeSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import lockfile, { type LockOptions } from 'proper-lockfile'
import { LOCK_STATE, type LockReply, type LockRequest } from './data-dir-lock.ts'

const { dir, options, state, exitIfLost } = workerData as LockRequest
const port = parentPort
if (!port) throw new Error('data-dir-lock-worker.ts runs only as a worker thread')

function reply(message: LockReply): void {
  port?.postMessage(message)
}

function lost(error: Error): void {
  Atomics.store(state, 0, LOCK_STATE.gone)
  reply({ type: 'lost', error: String(error) })
  if (!exitIfLost) return
  // Written from here, synchronously: the main thread may be stuck in a query, and a worker's console
  // goes through it.
  writeSync(
    2,
    `Lifeline lost the lock on ${dir} (${error.message}); stopping so as not to write beside another process.\n`,
  )
  // The main thread exits on the reply as soon as it is free; stuck in a query, it must not go on
  // writing to a data dir that another process may open now.
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), 1000)
}

const lockOptions: LockOptions = { ...options, onCompromised: lost }
try {
  const release = await lockfile.lock(dir, lockOptions)
  Atomics.store(state, 0, LOCK_STATE.held)
  port.on('message', async (message: { type: 'release' }) => {
    if (message.type !== 'release') return
    Atomics.store(state, 0, LOCK_STATE.gone)
    await release().catch(() => {})
    port.close()
  })
  reply({ type: 'locked' })
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code
  reply(code === 'ELOCKED' ? { type: 'held' } : { type: 'failed', error: String(error) })
  port.close()
}
