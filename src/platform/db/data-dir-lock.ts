/**
 * The embedded database's data dir belongs to one process at a time: a server, or a restore moving it.
 *
 * The lock is proper-lockfile's (a folder whose mtime is refreshed; one not refreshed for STALE_MS is
 * free to take, so a crashed server can restart at once). It is held from a worker thread: PGlite runs
 * on the host's main thread, and a query of a minute there would stop the refresh, letting a second
 * server or a restore take a live data dir.
 */
import { rmdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { Worker } from 'node:worker_threads'
import lockfile from 'proper-lockfile'

/** The lock folder inside the data dir; a crash can leave it behind, and it is not data. */
export const DATA_DIR_LOCK_NAME = 'lifeline.lock'

/** A lock not refreshed for this long belongs to a process that is gone. */
const STALE_MS = 10_000
/** How often the holder refreshes it: well inside STALE_MS, so one slow refresh doesn't lose it. */
const UPDATE_MS = 2_000

/** Exit code of a process that lost its lock (see lockDataDir). */
export const EXIT_LOCK_LOST = 4

/** Where the worker says the lock stands, in a shared Int32Array. */
export const LOCK_STATE = { acquiring: 0, held: 1, gone: 2 } as const

/** What data-dir-lock-worker.ts is started with. */
export type LockRequest = {
  dir: string
  options: { lockfilePath: string; stale: number; update: number; realpath: false }
  state: Int32Array
  exitIfLost: boolean
}

/** What data-dir-lock-worker.ts answers. */
export type LockReply = { type: 'locked' | 'held' } | { type: 'failed' | 'lost'; error: string }

/** A held data dir lock. */
export type DataDirLock = { release(): Promise<void> }

function lockPath(dir: string): string {
  return `${dir}/${DATA_DIR_LOCK_NAME}`
}

/**
 * Takes the lock on `dataDir` (which must exist); null when another process holds it.
 *
 * A lost lock (its folder removed, or taken over after the whole process stalled) ends the process with
 * EXIT_LOCK_LOST, or by SIGKILL within a second if the main thread is stuck. A restore that moves the data
 * dir, lock folder and all, passes `exitIfLost: false`.
 */
export async function lockDataDir(
  dataDir: string,
  { exitIfLost = true }: { exitIfLost?: boolean } = {},
): Promise<DataDirLock | null> {
  const dir = resolve(dataDir)
  const state = new Int32Array(new SharedArrayBuffer(4))
  const request: LockRequest = {
    dir,
    options: { lockfilePath: lockPath(dir), stale: STALE_MS, update: UPDATE_MS, realpath: false },
    state,
    exitIfLost,
  }
  const worker = new Worker(new URL('./data-dir-lock-worker.ts', import.meta.url), { workerData: request })
  const first = await new Promise<LockReply>((done) => {
    const onError = (error: Error) => done({ type: 'failed', error: String(error) })
    const onExit = (code: number) => done({ type: 'failed', error: `the lock thread exited (${code})` })
    worker.once('message', (reply: LockReply) => {
      // Not removeAllListeners(): Worker keeps its own listeners on itself.
      worker.off('error', onError).off('exit', onExit)
      done(reply)
    })
    worker.once('error', onError).once('exit', onExit)
  })
  if (first.type === 'held') return null
  if (first.type !== 'locked') {
    await worker.terminate()
    throw new Error(`Cannot lock ${dir}: ${'error' in first ? first.error : first.type}`)
  }

  // The worker's own exit hook does not run when the main thread ends the process: remove the lock here,
  // as proper-lockfile does on the main thread, unless the worker has let it go or lost it.
  const onExit = () => {
    if (Atomics.load(state, 0) !== LOCK_STATE.held) return
    try {
      rmdirSync(lockPath(dir))
    } catch {}
  }
  process.on('exit', onExit)

  const exited = new Promise((done) => worker.once('exit', done))
  let releasing = false
  const lost = (why?: string) => {
    if (releasing || !exitIfLost) return
    // The worker has said why when it lost the lock; not when it died.
    if (why) console.error(`Lifeline lost the lock on ${dir} (${why}); stopping.`)
    process.exit(EXIT_LOCK_LOST)
  }
  worker.on('message', (reply: LockReply) => {
    if (reply.type === 'lost') lost()
  })
  // The thread that refreshes the lock dying is as bad as losing it: nothing keeps it fresh any more.
  worker.on('error', (error) => lost(String(error)))
  worker.on('exit', (code) => lost(`the lock thread exited (${code})`))

  return {
    async release() {
      if (releasing) return
      releasing = true
      worker.postMessage({ type: 'release' })
      await exited
      process.off('exit', onExit)
    },
  }
}

/** Whether a live process holds the lock on `dataDir` (a lock left by a crash doesn't count). */
export function isDataDirLocked(dataDir: string): Promise<boolean> {
  const dir = resolve(dataDir)
  return lockfile.check(dir, { lockfilePath: lockPath(dir), stale: STALE_MS, realpath: false })
}
