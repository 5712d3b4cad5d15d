/**
 * The thread that holds a data dir's lock for data-dir-lock.ts and keeps its mtime fresh. It has its own
 * event loop, so PGlite busy on the main thread for minutes can't let the lock go stale.
 */
import { writeSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { parentPort, workerData } from 'node:worker_threads'
import lockfile, { type LockOptions } from 'proper-lockfile'
import {
  LOCK_STATE,
  type LockReply,
  type LockRequest,
  ORPHAN_WAIT_MS,
  RECORD_WAIT_MS,
} from './data-dir-lock.ts'
import {
  claimFromDead,
  type HolderRecord,
  judge,
  readRecord,
  recordForThisProcess,
  removeRecord,
  writeRecord,
} from './data-dir-lock-holder.ts'

const { dir, options, recordPath, state, exitIfLost, tiedToParent, serves } = workerData as LockRequest
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

/**
 * Takes the lock, freeing it first from a holder that has ended and waiting for one that is closing
 * (see data-dir-lock-holder.ts); the reply when another process keeps it.
 */
async function acquire(): Promise<{ release: () => Promise<void>; tookOverFrom?: number } | LockReply> {
  const start = Date.now()
  let tookOverFrom: number | undefined
  let missingSince: number | undefined
  for (;;) {
    try {
      return { release: await lockfile.lock(dir, lockOptions), tookOverFrom }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error
    }
    const record = readRecord(recordPath)
    const verdict = record ? judge(record) : 'unknown'
    const waited = Date.now() - start
    if (record && verdict === 'dead' && waited < ORPHAN_WAIT_MS) {
      if (claimFromDead(recordPath, options.lockfilePath, record)) tookOverFrom = holderPid(record)
      continue
    }
    // An orphan is closing the database; no record means a holder between its folder and its record
    // (taking the lock, or letting it go: an orphan removes its record just before its folder), and
    // that wait counts from when the record was first missing.
    if (record) missingSince = undefined
    else missingSince ??= Date.now()
    const patience = verdict === 'orphan' ? ORPHAN_WAIT_MS : record ? 0 : RECORD_WAIT_MS
    const since = record ? waited : Date.now() - missingSince!
    if (since >= patience) return held(record, verdict)
    await sleep(100)
  }
}

function holderPid(record: HolderRecord): number {
  return record.parent?.pid ?? record.pid
}

function held(record: HolderRecord | null, verdict: ReturnType<typeof judge>): LockReply {
  return {
    type: 'held',
    holder: {
      verdict: verdict === 'dead' ? 'unknown' : verdict,
      pid: record ? holderPid(record) : null,
      host: record?.host ?? null,
      ...(record ? { serves: record.serves } : {}),
    },
  }
}

try {
  const taken = await acquire()
  if ('type' in taken) {
    reply(taken)
    port.close()
  } else {
    const record = recordForThisProcess({ tiedToParent, serves })
    writeRecord(recordPath, record)
    Atomics.store(state, 0, LOCK_STATE.held)
    port.on('message', async (message: { type: 'release' } | { type: 'publish'; socket: string }) => {
      if (message.type === 'publish') {
        writeRecord(recordPath, { ...record, socket: message.socket })
        reply({ type: 'published' })
        return
      }
      Atomics.store(state, 0, LOCK_STATE.gone)
      // The record goes first: a record never outlives the folder it describes.
      removeRecord(recordPath, record.nonce)
      await taken.release().catch(() => {})
      port.close()
    })
    reply({
      type: 'locked',
      nonce: record.nonce,
      ...(taken.tookOverFrom === undefined ? {} : { tookOverFrom: taken.tookOverFrom }),
    })
  }
} catch (error) {
  reply({ type: 'failed', error: String(error) })
  port.close()
}
