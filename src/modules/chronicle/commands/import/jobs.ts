/**
 * Import jobs started from the staff page: a chronicle_jobs row per run, the run itself in this
 * process, its progress kept in memory while it runs. Progress is not written to the database
 * mid-run: an all-or-nothing import holds its transaction, and on the embedded database (one
 * connection) a second writer would wait for it.
 *
 * A run lives only as long as its process, so a crash or restart leaves its row 'running'. Such a
 * job is marked interrupted (state 'failed', result.interrupted), and its page offers to run the
 * kept file again, which is safe: imports match rows by external id. A run is known to be dead so:
 * - every process has a random `instance` id; a job's heartbeat row (chronicle_job_heartbeats)
 *   names the instance that runs it, written in the same transaction as the job;
 * - this process knows its own runs (`progressById`, filled before the row exists and emptied
 *   after it is finished), so a job of its own instance that it no longer runs is dead at once;
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
import { type ColumnType, sql } from 'kysely'
import { audit } from '../../../../platform/audit.ts'
import type { Db, Store } from '../../../../platform/db/database.ts'
import { deleteStoredFiles, readStoredFile } from '../../../../platform/db/stored-files.ts'
import type { Mapping } from './mapping.ts'
import { type ImportProgress, type ImportReport, runImport } from './run.ts'

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

/** A job as its page shows it. */
export type ImportJob = {
  id: string
  state: 'queued' | 'running' | 'done' | 'failed'
  params: ImportParams
  /** Its uploaded file, kept in the database (stored-files.ts) while a later job may need it. */
  fileId: string | null
  doneRows: number
  report: ImportReport | null
  progress: ImportProgress | null
  createdAt: Date
  finishedAt: Date | null
  /** Its process stopped while it ran (state 'failed'). */
  interrupted: boolean
  /** Its kept file was removed after a day (expire-files.ts): it must be uploaded again. */
  fileExpired: boolean
  /** The job that ran this interrupted one again. */
  retriedAs: string | null
}

const progressById = new Map<string, ImportProgress>()
const runs = new Set<Promise<void>>()
let heartbeat: ReturnType<typeof setInterval> | undefined

/** Creates a job row for an uploaded file and starts it; returns the job id at once. */
export async function startImportJob(
  store: Pick<Store, 'db' | 'engine'>,
  options: { params: ImportParams; fileId: string; actorId: string; id?: string },
): Promise<string> {
  const { db } = store
  const id = options.id ?? randomUUID()
  // This process's run before its row exists, so no reader can take the row for a dead run.
  progressById.set(id, { rows: 0, bytes: 0, totalBytes: options.params.totalBytes })
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('chronicle_jobs')
        .values({
          id,
          kind: 'import',
          state: 'running',
          params: JSON.stringify(options.params),
          file_id: options.fileId,
          created_by: options.actorId,
        })
        .execute()
      await trx.insertInto('chronicle_job_heartbeats').values({ job_id: id, instance }).execute()
    })
  } catch (error) {
    progressById.delete(id)
    throw error
  }
  if (store.engine === 'postgres') heartbeat ??= setInterval(() => beat(db), HEARTBEAT_MS).unref()
  const run = execute(db, id, options).finally(() => {
    progressById.delete(id)
    runs.delete(run)
    if (!runs.size) {
      clearInterval(heartbeat)
      heartbeat = undefined
    }
  })
  runs.add(run)
  return id
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
  options: { params: ImportParams; fileId: string; actorId: string },
) {
  const { params } = options
  try {
    const report = await runImport(db, {
      mapping: params.mapping,
      // Read through whatever runs the import: inside its transaction on the embedded database.
      streamFile: (reader) => readStoredFile(reader, options.fileId),
      totalBytes: params.totalBytes,
      dryRun: params.dryRun,
      partial: params.partial,
      blankUnknown: params.blankUnknown,
      actorId: options.actorId,
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
          actorId: options.actorId,
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
    if (!params.dryRun) await deleteStoredFiles(db, [options.fileId])
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
export async function recoverImports(store: Pick<Store, 'db' | 'engine'>): Promise<void> {
  await markInterrupted(store.db, { sole: store.engine === 'pglite' })
}

/** An import job by id, or null (also for an export job). */
export async function findImportJob(db: Db, id: string): Promise<ImportJob | null> {
  await markInterrupted(db)
  const row = await db
    .selectFrom('chronicle_jobs')
    .selectAll()
    .where('id', '=', id)
    .where('kind', '=', 'import')
    .executeTakeFirst()
  if (!row) return null
  const result = (row.result ?? {}) as Record<string, unknown>
  return {
    id: row.id,
    state: row.state,
    params: row.params as unknown as ImportParams,
    fileId: row.file_id,
    doneRows: row.done_rows,
    report: 'rows' in result ? (result as unknown as ImportReport) : null,
    progress: progressById.get(row.id) ?? null,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    interrupted: result.interrupted === true,
    fileExpired: result.fileExpired === true,
    retriedAs: typeof result.retriedAs === 'string' ? result.retriedAs : null,
  }
}

/**
 * Runs an interrupted job's kept file again as a new job with the same settings; null when the job
 * is not interrupted or its file is gone or already taken by another try.
 */
export async function retryImportJob(
  store: Pick<Store, 'db' | 'engine'>,
  job: ImportJob,
  actorId: string,
): Promise<string | null> {
  if (!job.interrupted || !job.fileId) return null
  const id = randomUUID()
  // The file passes to one new job only: a second click or the cleanup job finds it taken.
  const claimed = await store.db
    .updateTable('chronicle_jobs')
    .set({ file_id: null, result: sql<string>`result || ${JSON.stringify({ retriedAs: id })}::jsonb` })
    .where('id', '=', job.id)
    .where('state', '=', 'failed')
    .where('file_id', '=', job.fileId)
    .executeTakeFirst()
  if (!claimed.numUpdatedRows) return null
  return startImportJob(store, {
    id,
    fileId: job.fileId,
    actorId,
    params: { ...job.params, retryOf: job.id },
  })
}

/** The latest import jobs, newest first; an interrupted one's state reads 'interrupted'. */
export async function recentImportJobs(db: Db, limit = 20) {
  await markInterrupted(db)
  const rows = await db
    .selectFrom('chronicle_jobs')
    .select(['id', 'state', 'params', 'done_rows', 'created_at'])
    .select(sql<boolean>`coalesce(result @> '{"interrupted": true}', false)`.as('interrupted'))
    .where('kind', '=', 'import')
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute()
  return rows.map(({ interrupted, ...row }) => ({
    ...row,
    state: interrupted ? 'interrupted' : row.state,
    params: row.params as unknown as ImportParams,
  }))
}

/** Waits for every running import (tests, and a clean shutdown). */
export async function settleImports(): Promise<void> {
  while (runs.size) await Promise.allSettled([...runs])
}

/**
 * Takes a dry run's file over for the import it checked: true for the one caller that took it, false
 * when another import already did (each file is imported once).
 */
export async function claimCheckedFile(db: Db, jobId: string, fileId: string): Promise<boolean> {
  const claimed = await db
    .updateTable('chronicle_jobs')
    .set({ file_id: null })
    .where('id', '=', jobId)
    .where('file_id', '=', fileId)
    .executeTakeFirst()
  return Number(claimed.numUpdatedRows) > 0
}
