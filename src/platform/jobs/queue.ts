/**
 * Background jobs in PostgreSQL through pg-boss, on the same database as everything else (embedded
 * or native). Each job is a file with its name, schedule and handler; modules add theirs with defineJob.
 */
import PgBoss from 'pg-boss'
import type { Db, Store } from '../db/database.ts'

/** A job: a unique name, an optional cron schedule, and what it does. */
export type JobDefinition = {
  name: string
  /** Cron expression (UTC) for recurring jobs. */
  schedule?: string
  handler: (db: Db, data: unknown) => Promise<void>
}

const definitions: JobDefinition[] = []

/** Declares a job; call at module load. */
export function defineJob(job: JobDefinition): JobDefinition {
  if (definitions.some((known) => known.name === job.name))
    throw new Error(`Job ${job.name} is defined twice`)
  definitions.push(job)
  return job
}

/** Running jobs, and a way to stop them. */
export type Jobs = { boss: PgBoss; stop(): Promise<void> }

/** Starts pg-boss on the store's pool, schedules recurring jobs and starts a worker for each job. */
export async function startJobs(
  store: Store,
  options: { onError?: (error: Error) => void } = {},
): Promise<Jobs> {
  // pg-boss talks through Lifeline's own pool: for the embedded database that pool is the one
  // serialised connection, so jobs and requests never open a second one.
  const boss = new PgBoss({
    db: { executeSql: (text, values) => store.pool.query(text, values) },
    schema: 'pgboss',
    supervise: true,
    schedule: true,
  })
  boss.on('error', (error) => options.onError?.(error))
  await boss.start()
  for (const job of definitions) {
    await boss.createQueue(job.name)
    if (job.schedule) await boss.schedule(job.name, job.schedule)
    await boss.work(job.name, async ([received]) => job.handler(store.db, received?.data))
  }
  return { boss, stop: () => boss.stop({ graceful: true, wait: true, timeout: 10_000 }) }
}
