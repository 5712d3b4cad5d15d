/**
 * Import jobs started from the staff page. The request records the job in chronicle_jobs ('queued')
 * and, in the same transaction, enqueues a `chronicle-import` job (jobs/import.ts); a node working jobs
 * claims it ('running') and runs it, one import at a time per node, its progress kept in memory while
 * it runs. Progress is not written to the database mid-run: an all-or-nothing import holds its
 * transaction, and on the embedded database (one connection) a second writer would wait for it, so a
 * job's page shows its progress when the node that runs it serves the page.
 *
 * A run lives only as long as its process, so a crash or restart leaves its row 'running'. Such a
 * job is marked interrupted (state 'failed', result.interrupted), and its page offers to run the
 * kept file again, which is safe: imports match rows by external id. pg-boss gives up on a job only
 * when it expires, which must be later than the longest import (hours), and it must not run an import
 * twice on its own (retryLimit 0); a heartbeat tells a dead run within minutes:
 * - every process has a random `instance` id; a job's heartbeat row (chronicle_job_heartbeats)
 *   names the instance that runs it, written in the same transaction that claims the job;
 * - this process knows its own runs (`progressById`, filled before the claim and emptied after the
 *   job is finished), so a job of its own instance that it no longer runs is dead at once;
 * - a job of another instance is alive while that instance refreshes its heartbeat: every
 *   HEARTBEAT_MS while it runs imports, on native PostgreSQL only, from a connection of its own (the
 *   import's transaction never touches the heartbeat, so it never waits for it). After
 *   STALE_MS without a beat — by the database's clock — the node is taken to be gone;
 * - on the embedded database there is one process by construction (the data dir is locked), and
 *   nothing may write beside an all-or-nothing import anyway, so no heartbeat is written: at start
 *   (`recoverImports`) every job still 'running' belongs to a process that is gone.
 * Dead jobs are marked whenever a job page or the list is read, and by the file cleanup job. Should
 * a node stall past STALE_MS and then finish after all, its own result overwrites the mark.
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { type ColumnType, sql } from 'kysely'
import { audit } from '../../../../platform/audit.ts'
import type { Db } from '../../../../platform/db/database.ts'
import { deleteStoredFiles, readStoredFile } from '../../../../platform/db/stored-files.ts'
import type { JobContext } from '../../../../platform/jobs/queue.ts'
import type { Mapping } from './mapping.ts'
import { type ImportProgress, runImport } from './run.ts'

declare module '../../../../platform/db/tables.ts' {
  interface Database {
    chronicle_job_heartbeats: {
      job_id: string
      instance: string
      beat_at: ColumnType<Date, Date | undefined, Date>
    }
  }
}

/** How often a native PostgreSQL node says its imports are alive. */
export const HEARTBEAT_MS = 30_000
/** A heartbeat older than this means its node is gone: several missed beats, not one slow one. */
export const STALE_MS = 4 * HEARTBEAT_MS
/** This process, among the app nodes sharing the database. */
export const instance = randomUUID()

/** What a job runs with, as stored in chronicle_jobs.params. */
export type ImportParams = {
  mapping: Mapping
  fileName: string
  totalBytes: number
  dryRun: boolean
  partial: boolean
  blankUnknown: boolean
  /** The dry run this import follows, if any. */
  after?: string
  /** The interrupted job this one runs again, if any. */
  retryOf?: string
}

const progressById = new Map<string, ImportProgress>()
const runs = new Set<Promise<void>>()
let heartbeat: ReturnType<typeof setInterval> | undefined

/** How far this process's run of job `id` has got; null when this process doesn't run it. */
export function progressOf(id: string): ImportProgress | null {
  return progressById.get(id) ?? null
}

/**
 * Runs queued import `id` (the `chronicle-import` job's handler): claims it, runs it, records its
 * report or failure. Does nothing when it is no longer queued (run already, or claimed elsewhere).
 */
export async function runImportJob(db: Db, id: string, context: JobContext): Promise<void> {
  // This process's run before the claim, so no reader can take the running row for a dead run.
  progressById.set(id, { rows: 0, bytes: 0, totalBytes: 0 })
  const run = (async () => {
    const job = await claim(db, id)
    if (!job) return
    progressById.set(id, { rows: 0, bytes: 0, totalBytes: job.params.totalBytes })
    if (context.engine === 'postgres') heartbeat ??= setInterval(() => beat(db), HEARTBEAT_MS).unref()
    await execute(db, id, job)
  })().finally(() => {
    progressById.delete(id)
    runs.delete(run)
    if (!runs.size) {
      clearInterval(heartbeat)
      heartbeat = undefined
    }
  })
  runs.add(run)
  await run
}

/** Takes a queued import over ('running'), naming this instance as its runner; undefined if not queued. */
async function claim(db: Db, id: string) {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('chronicle_jobs')
      .set({ state: 'running' })
      .where('id', '=', id)
      .where('kind', '=', 'import')
      .where('state', '=', 'queued')
      .returning(['params', 'file_id', 'created_by'])
      .executeTakeFirst()
    if (!row) return undefined
    await trx.insertInto('chronicle_job_heartbeats').values({ job_id: id, instance }).execute()
    return {
      params: row.params as unknown as ImportParams,
      fileId: row.file_id,
      actorId: row.created_by,
    }
  })
}

// A missed beat is no harm (the next one comes long before STALE_MS), so errors are dropped.
function beat(db: Db) {
  const mine = [...progressById.keys()]
  sql`UPDATE chronicle_job_heartbeats SET beat_at = now() WHERE job_id = ANY(${mine}::uuid[])`
    .execute(db)
    .catch(() => {})
}

async function execute(
  db: Db,
  id: string,
  job: { params: ImportParams; fileId: string | null; actorId: string | null },
) {
  const { params, fileId, actorId } = job
  try {
    // The request that queued the job named both; a row without them can only fail.
    if (!fileId || !actorId) throw new Error('the job has no file or no author')
    const report = await runImport(db, {
      mapping: params.mapping,
      // Read through whatever runs the import: inside its transaction on the embedded database.
      streamFile: (reader) => readStoredFile(reader, fileId),
      totalBytes: params.totalBytes,
      dryRun: params.dryRun,
      partial: params.partial,
      blankUnknown: params.blankUnknown,
      actorId,
      jobId: id,
      onProgress: (progress) => progressById.set(id, progress),
    })
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('chronicle_jobs')
        .set({
          state: 'done',
          done_rows: report.rows,
          total_rows: report.rows,
          result: JSON.stringify(report),
          finished_at: new Date(),
        })
        .where('id', '=', id)
        .execute()
      if (report.written)
        await audit(trx, {
          actorId,
          action: 'chronicle.imported',
          target: id,
          detail: {
            mapping: params.mapping.name,
            inserted: report.inserted,
            updated: report.updated,
            partial: params.partial,
          },
        })
    })
    // The file is kept after a dry run, for the import that may follow; after an import it goes.
    if (!params.dryRun) await deleteStoredFiles(db, [fileId])
  } catch (error) {
    await db
      .updateTable('chronicle_jobs')
      .set({
        state: 'failed',
        result: JSON.stringify({
          error: 'chronicle.import.error.failed',
          detail: String(error).slice(0, 500),
        }),
        finished_at: new Date(),
      })
      .where('id', '=', id)
      .execute()
      .catch(() => {})
  }
}

/**
 * Marks every running import whose run is dead as interrupted (see the module comment). `sole`: this
 * process is the only one on the database, so whatever it does not run is dead.
 */
export async function markInterrupted(db: Db, options: { sole?: boolean } = {}): Promise<void> {
  const mine = [...progressById.keys()]
  const elsewhere = options.sole
    ? sql`false`
    : sql`EXISTS (SELECT 1 FROM chronicle_job_heartbeats h WHERE h.job_id = j.id
        AND h.instance <> ${instance} AND h.beat_at > now() - make_interval(secs => ${STALE_MS / 1000}))`
  const dead = sql`UPDATE chronicle_jobs j SET state = 'failed', finished_at = now(),
      result = '{"interrupted": true}'
    WHERE j.kind = 'import' AND j.state = 'running' AND j.id <> ALL(${mine}::uuid[]) AND NOT ${elsewhere}`
  await dead.execute(db)
}

/** At start: on the embedded database every import still 'running' was left by a process now gone. */
export async function recoverImports(store: { db: Db; engine: JobContext['engine'] }): Promise<void> {
  await markInterrupted(store.db, { sole: store.engine === 'pglite' })
}

/**
 * Waits until no import is queued and this process runs none (tests). Fails after `timeoutMs` when
 * one stays queued: nothing here works the `chronicle-import` job.
 */
export async function settleImports(db: Db, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    // Queued first: a run claimed its row only after joining `runs`, so none slips between the two.
    const queued = await db
      .selectFrom('chronicle_jobs')
      .select('id')
      .where('kind', '=', 'import')
      .where('state', '=', 'queued')
      .executeTakeFirst()
    if (!queued && !runs.size) return
    if (Date.now() > deadline) throw new Error('an import stays queued: no worker runs chronicle-import')
    await Promise.race([Promise.allSettled([...runs]), sleep(20)])
  }
}
