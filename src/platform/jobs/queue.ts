/**
 * Background jobs in PostgreSQL through pg-boss, on the same database as everything else (embedded
 * or native). Each job is a file with its name, schedule and handler; modules list theirs in their
 * descriptor (module.ts), and the composition root (src/modules.ts) hands the whole list to these
 * functions.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { CompiledQuery } from 'kysely'
import type pg from 'pg'
import PgBoss from 'pg-boss'
import type { z } from 'zod'
import type { Db, Store } from '../db/database.ts'

/** pg-boss's schema, in the same database as Lifeline's tables. */
export const JOBS_SCHEMA = 'pgboss'

// pg-boss's own queue for cron schedules (its timekeeper makes it at start, swallowing any failure):
// with least privilege the app role can't make a queue, so installJobs makes this one too.
const SCHEDULE_QUEUE = '__pgboss__send-it'

/** What a handler may need to know about where it runs, beside the database. */
export type JobContext = { engine: Store['engine'] }

/**
 * A job: a unique name, an optional cron schedule, the schema of its payload (checked when it is
 * enqueued and again when it runs, so a handler only ever sees a payload of its own type), how it is
 * delivered, and what it does.
 */
export type JobDefinition<Payload = unknown> = {
  name: string
  /** Cron expression (UTC) for recurring jobs. */
  schedule?: string
  /** The payload's schema; a scheduled job without one gets `{}`. */
  payload?: z.ZodType<Payload>
  /**
   * How an enqueued one is delivered, when pg-boss's defaults (two retries, given up after 15 minutes)
   * don't fit: a long job needs a longer `expireInSeconds`, one that must not run twice `retryLimit: 0`.
   */
  delivery?: { retryLimit?: number; expireInSeconds?: number }
  handler(db: Db, data: Payload, context: JobContext): Promise<void>
}

/** A job, typed; list it in a descriptor (module.ts) or, for the platform's own, in platform-jobs.ts. */
export function defineJob<Payload = unknown>(job: JobDefinition<Payload>): JobDefinition<Payload> {
  return job
}

// Only used to write job rows, on the caller's connection: never started, it opens nothing itself.
let sender: PgBoss | undefined
function jobWriter(): PgBoss {
  sender ??= new PgBoss({
    db: {
      executeSql: () => Promise.reject(new Error('jobs are enqueued on a transaction')),
    },
    schema: JOBS_SCHEMA,
  })
  return sender
}

/**
 * Enqueues `job` with `payload` in the caller's transaction: the job exists only if the transaction
 * commits, so a request never leaves a job for a row it rolled back (nor a row without its job).
 * Returns the job's id, or null when `singletonKey` names a job already waiting.
 */
export async function enqueue<Payload>(
  trx: Db,
  job: JobDefinition<Payload>,
  payload: Payload,
  options: { singletonKey?: string } = {},
): Promise<string | null> {
  const data = job.payload ? job.payload.parse(payload) : payload
  const db = {
    executeSql: async (text: string, values?: unknown[]) =>
      trx.executeQuery(CompiledQuery.raw(text, values ?? [])) as Promise<{ rows: { id: string }[] }>,
  }
  return jobWriter().send(job.name, data as object, { ...job.delivery, ...options, db })
}

// This process's workers by job name, while they run: a worker polls every two seconds, and these wake it.
const wakers = new Map<string, Set<() => void>>()

/**
 * Once the transaction that enqueued a job has committed, has this process's worker for it (if it runs
 * one) fetch it now rather than at its next poll. Another node's worker finds it at its next poll.
 */
export function wakeWorkers(job: Pick<JobDefinition, 'name'>): void {
  for (const wake of wakers.get(job.name) ?? []) wake()
}

/** Running jobs, and a way to stop them. */
export type Jobs = { boss: PgBoss; stop(): Promise<void> }

/**
 * Creates or upgrades pg-boss's schema and makes every defined job's queue. Each queue is a table of
 * its own (a partition pg-boss creates), so this is DDL: with least privilege, it runs on the owner
 * role's pool before the app starts its jobs (see src/platform/db/prepare.ts).
 */
export async function installJobs(pool: pg.Pool, jobs: readonly JobDefinition[]): Promise<void> {
  const boss = new PgBoss({
    db: { executeSql: (text, values) => pool.query(text, values) },
    schema: JOBS_SCHEMA,
    migrate: true,
    supervise: false,
    schedule: false,
  })
  // Nothing runs in the background here: any failure reaches the caller as a rejection.
  boss.on('error', () => {})
  await boss.start()
  try {
    for (const name of [SCHEDULE_QUEUE, ...jobs.map((job) => job.name)]) await createQueue(boss, name)
  } finally {
    await boss.stop({ graceful: false, close: false })
  }
}

/**
 * Creates a queue unless it exists. Two nodes starting together after an upgrade that added a job both
 * create its queue (a row and a partition table), and PostgreSQL may abort one as a deadlock: that one
 * tries again and finds the queue made.
 */
async function createQueue(boss: PgBoss, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await boss.createQueue(name)
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error
      await sleep(50 + Math.random() * 200 * attempt)
    }
  }
}

/**
 * Starts pg-boss on the store's pool, schedules recurring jobs and starts a worker for each job.
 * `migrate: false` when installJobs has run as the owner: pg-boss then only checks its schema's version
 * and never tries to create or alter it.
 */
export async function startJobs(
  store: Store,
  options: { jobs: readonly JobDefinition[]; onError?: (error: Error) => void; migrate?: boolean },
): Promise<Jobs> {
  // pg-boss talks through Lifeline's own pool: for the embedded database that pool is the one
  // serialised connection, so jobs and requests never open a second one.
  const boss = new PgBoss({
    db: { executeSql: (text, values) => store.pool.query(text, values) },
    schema: JOBS_SCHEMA,
    migrate: options.migrate ?? true,
    supervise: true,
    schedule: true,
  })
  boss.on('error', (error) => options.onError?.(error))
  await boss.start()
  const context: JobContext = { engine: store.engine }
  const mine: [string, () => void][] = []
  for (const job of options.jobs) {
    await createQueue(boss, job.name)
    if (job.schedule) await boss.schedule(job.name, job.schedule)
    const worker = await boss.work(job.name, async ([received]) =>
      job.handler(store.db, job.payload ? job.payload.parse(received?.data ?? {}) : received?.data, context),
    )
    const wake = () => boss.notifyWorker(worker)
    mine.push([job.name, wake])
    wakers.set(job.name, (wakers.get(job.name) ?? new Set()).add(wake))
  }
  return {
    boss,
    stop: async () => {
      for (const [name, wake] of mine) wakers.get(name)?.delete(wake)
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 })
    },
  }
}
