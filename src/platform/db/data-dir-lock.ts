/**
 * The embedded database's data dir belongs to one process at a time: a server, a command, or a restore
 * moving it.
 *
 * The lock is proper-lockfile's (a folder whose mtime is refreshed; one not refreshed for STALE_MS is
 * free to take). It is held from a worker thread: PGlite runs on the host's main thread, and a query of a
 * minute there would stop the refresh, letting a second server or a restore take a live data dir.
 *
 * Staleness alone would keep a crashed server from restarting for STALE_MS, and a service manager that
 * restarts at once gives up after a few tries. So the holder records who it is beside the folder, and a
 * process on the same machine frees a lock whose holder has ended at once, and waits for one that is
 * closing after its server died (data-dir-lock-holder.ts).
 */
import { rmdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { Worker } from 'node:worker_threads'
import { HOLDER_RECORD_NAME, judge, lockAge, readRecord, removeRecord } from './data-dir-lock-holder.ts'

/** The lock folder inside the data dir; a crash can leave it behind, and it is not data. */
export const DATA_DIR_LOCK_NAME = 'lifeline.lock'

/** The folder in the data dir where a server's database listens, when its path is short enough. */
export const SOCKET_DIR_NAME = 'lifeline.socket'

/** Whether an entry of a data dir is the lock's or the socket's (left by a crash, not data). */
export function isRuntimeEntry(name: string): boolean {
  return name === DATA_DIR_LOCK_NAME || name === SOCKET_DIR_NAME || name.startsWith(HOLDER_RECORD_NAME)
}

/** A lock not refreshed for this long belongs to a process that is gone (or on another machine). */
const STALE_MS = 10_000
/** How often the holder refreshes it: well inside STALE_MS, so one slow refresh doesn't lose it. */
const UPDATE_MS = 2_000
/**
 * How long a new holder waits for the database process of a server that ended to close it: PGlite's
 * close is a checkpoint, seconds at most; a service manager's start timeout is far longer.
 */
export const ORPHAN_WAIT_MS = 30_000
/** How long a lock folder without a record is taken for a holder about to write one (or letting go). */
export const RECORD_WAIT_MS = 2_000

/** Exit code of a process that lost its lock (see lockDataDir). */
export const EXIT_LOCK_LOST = 4

/** Where the worker says the lock stands, in a shared Int32Array. */
export const LOCK_STATE = { acquiring: 0, held: 1, gone: 2 } as const

/** What data-dir-lock-worker.ts is started with. */
export type LockRequest = {
  dir: string
  options: { lockfilePath: string; stale: number; update: number; realpath: false }
  recordPath: string
  state: Int32Array
  exitIfLost: boolean
  tiedToParent: boolean
  serves: boolean
}

/** Who keeps a data dir, as far as this process can tell (see data-dir-lock-holder.ts). */
export type DataDirHolder = {
  verdict: 'live' | 'orphan' | 'unknown'
  /** The server's pid for its database process; null when the holder left no record. */
  pid: number | null
  host: string | null
  /** Where a running server's database listens for commands; absent while it starts, or for a command. */
  socket?: string | null
  serves?: boolean
}

/** What data-dir-lock-worker.ts answers. */
export type LockReply =
  | { type: 'locked'; nonce: string; tookOverFrom?: number }
  | { type: 'held'; holder: DataDirHolder }
  | { type: 'published' }
  | { type: 'failed' | 'lost'; error: string }

/** A held data dir lock. */
export type DataDirLock = {
  /** Set when the lock was left by a process that ended (its pid), and this one took it over. */
  tookOverFrom?: number
  /** Records where this server's database listens, for commands run while it does. */
  publish(socket: string): Promise<void>
  release(): Promise<void>
}

function lockPath(dir: string): string {
  return `${dir}/${DATA_DIR_LOCK_NAME}`
}

function recordPath(dir: string): string {
  return `${dir}/${HOLDER_RECORD_NAME}`
}

/** How a refusal names the holder: who it is, and whether it will let go by itself. */
export function describeHolder(holder: DataDirHolder): string {
  const free = `it is free ${STALE_MS / 1000} s after that process stops`
  if (holder.verdict === 'live' && holder.serves === false)
    return `held by a running Lifeline command, pid ${holder.pid}; try again when it has finished`
  if (holder.verdict === 'live') return `held by a running Lifeline, pid ${holder.pid}`
  if (holder.verdict === 'orphan')
    return `held by the database process of a Lifeline that ended (pid ${holder.pid}), still closing it; try again shortly`
  if (holder.host) return `held by pid ${holder.pid} on another machine (${holder.host}); ${free}`
  return `held by another process; ${free}`
}

/** How a lock is taken (see acquireDataDir). */
export type LockOptions = {
  /** false for a restore, which moves the data dir, lock folder and all. */
  exitIfLost?: boolean
  /** For a forked process that lets go when its parent ends (pglite-host.ts). */
  tiedToParent?: boolean
  /** For a server's database process, which will publish a socket for commands. */
  serves?: boolean
}

/** Takes the lock on `dataDir` (which must exist); null when another process holds it. */
export async function lockDataDir(dataDir: string, options: LockOptions = {}): Promise<DataDirLock | null> {
  const outcome = await acquireDataDir(dataDir, options)
  return 'lock' in outcome ? outcome.lock : null
}

/**
 * Takes the lock on `dataDir` (which must exist), or says who keeps it. A lock whose holder ended is
 * taken over at once; one whose holder is closing after its server died is waited for (ORPHAN_WAIT_MS).
 *
 * A lost lock (its folder removed, or taken over after the whole process stalled) ends the process with
 * EXIT_LOCK_LOST, or by SIGKILL within a second if the main thread is stuck, unless `exitIfLost` is false.
 */
export async function acquireDataDir(
  dataDir: string,
  { exitIfLost = true, tiedToParent = false, serves = false }: LockOptions = {},
): Promise<{ lock: DataDirLock } | { holder: DataDirHolder }> {
  const dir = resolve(dataDir)
  const state = new Int32Array(new SharedArrayBuffer(4))
  const request: LockRequest = {
    dir,
    options: { lockfilePath: lockPath(dir), stale: STALE_MS, update: UPDATE_MS, realpath: false },
    recordPath: recordPath(dir),
    state,
    exitIfLost,
    tiedToParent,
    serves,
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
  if (first.type === 'held') return { holder: first.holder }
  if (first.type !== 'locked') {
    await worker.terminate()
    throw new Error(`Cannot lock ${dir}: ${'error' in first ? first.error : first.type}`)
  }
  const { nonce } = first

  // The worker's own exit hook does not run when the main thread ends the process: remove the lock here,
  // as proper-lockfile does on the main thread, unless the worker has let it go or lost it.
  const onExit = () => {
    if (Atomics.load(state, 0) !== LOCK_STATE.held) return
    try {
      removeRecord(recordPath(dir), nonce)
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

  const lock: DataDirLock = {
    publish(socket) {
      return new Promise((done) => {
        const onReply = (reply: LockReply) => {
          if (reply.type !== 'published') return
          worker.off('message', onReply)
          done()
        }
        worker.on('message', onReply)
        worker.postMessage({ type: 'publish', socket })
      })
    },
    async release() {
      if (releasing) return
      releasing = true
      worker.postMessage({ type: 'release' })
      await exited
      process.off('exit', onExit)
    },
  }
  if (first.tookOverFrom !== undefined) lock.tookOverFrom = first.tookOverFrom
  return { lock }
}

/**
 * Who keeps `dataDir` now, without taking it; null when it is free (no lock, a stale one, or one whose
 * holder has ended).
 */
export function dataDirHolder(dataDir: string): DataDirHolder | null {
  const dir = resolve(dataDir)
  const age = lockAge(lockPath(dir))
  if (age === null || age >= STALE_MS) return null
  const record = readRecord(recordPath(dir))
  if (!record) return { verdict: 'unknown', pid: null, host: null }
  const verdict = judge(record)
  if (verdict === 'dead') return null
  return {
    verdict,
    pid: record.parent?.pid ?? record.pid,
    host: record.host,
    serves: record.serves,
    socket: record.socket,
  }
}

/** Whether a live process holds the lock on `dataDir` (a lock left by a crash doesn't count). */
export async function isDataDirLocked(dataDir: string): Promise<boolean> {
  return dataDirHolder(dataDir) !== null
}
