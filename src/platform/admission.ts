/**
 * Admission for work that costs memory: a budget of bytes that requests may hold at once, and a pool
 * that runs a few jobs at a time with a short line behind them. Both answer at once when they are full,
 * instead of letting everyone in: under a flood, what was let in finishes in bounded time and memory and
 * the rest is told to come back later, rather than every request waiting until the process runs out of
 * memory. Neither looks at addresses: behind an onion service every visitor is 127.0.0.1.
 */
import pLimit from 'p-limit'

/** A number of bytes shared by everyone; each holder takes its share up front or is refused. */
export type ByteBudget = {
  /** Takes `bytes` if they fit and returns how to give them back (safe to call twice), or null. */
  take(bytes: number): (() => void) | null
  /** Bytes held now. */
  readonly held: number
  /** The most bytes held at once since the budget was made. */
  readonly peak: number
}

/** A budget of `limit` bytes. */
export function byteBudget(limit: number): ByteBudget {
  let held = 0
  let peak = 0
  return {
    take(bytes) {
      if (bytes < 0 || held + bytes > limit) return null
      held += bytes
      peak = Math.max(peak, held)
      let given = false
      return () => {
        if (given) return
        given = true
        held -= bytes
      }
    },
    get held() {
      return held
    },
    get peak() {
      return peak
    },
  }
}

/** The outcome of offering a job to a pool: its result, or `busy` when it was not even queued. */
export type PoolResult<T> = { busy: false; value: T } | { busy: true }

/** Runs at most `running` jobs at once with at most `waiting` in line; a job beyond that is refused. */
export type WorkPool = {
  /** Runs `job` when a place is free, or answers `busy` at once (the job never runs). */
  run<T>(job: () => Promise<T>): Promise<PoolResult<T>>
  /** Jobs running now. */
  readonly running: number
  /** Jobs in line now. */
  readonly waiting: number
}

/** A pool of `running` places and a line of `waiting`. */
export function workPool(running: number, waiting: number): WorkPool {
  const limit = pLimit(running)
  return {
    async run(job) {
      // p-limit starts or queues a job synchronously, so these counts are exact here.
      if (limit.activeCount >= running && limit.pendingCount >= waiting) return { busy: true }
      return { busy: false, value: await limit(job) }
    },
    get running() {
      return limit.activeCount
    },
    get waiting() {
      return limit.pendingCount
    },
  }
}
