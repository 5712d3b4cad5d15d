/**
 * Import jobs as the staff pages see them: starting one (a row and its `chronicle-import` job, in one
 * transaction), running an interrupted one again, reading one or the latest. How a job runs, and how a
 * dead run is told apart from a live one: run-job.ts.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../../../platform/db/database.ts'
import { enqueue, wakeWorkers } from '../../../../platform/jobs/queue.ts'
import { importJob } from '../../jobs/import.ts'
import type { ImportProgress, ImportReport } from './run.ts'
import { type ImportParams, markInterrupted, progressOf } from './run-job.ts'

export type { ImportParams } from './run-job.ts'

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

/** Records a queued job for an uploaded file and enqueues its run; returns the job id at once. */
export async function startImportJob(db: Db, options: QueuedImport): Promise<string> {
  const id = await db.transaction().execute((trx) => queueImport(trx, options))
  wakeWorkers(importJob)
  return id
}

type QueuedImport = { params: ImportParams; fileId: string; actorId: string; id?: string }

// The job's row and its run, in the caller's transaction: one never exists without the other.
async function queueImport(trx: Db, options: QueuedImport): Promise<string> {
  const id = options.id ?? randomUUID()
  await trx
    .insertInto('chronicle_jobs')
    .values({
      id,
      kind: 'import',
      state: 'queued',
      params: JSON.stringify(options.params),
      file_id: options.fileId,
      created_by: options.actorId,
    })
    .execute()
  await enqueue(trx, importJob, { importId: id })
  return id
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
    progress: progressOf(row.id),
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
export async function retryImportJob(db: Db, job: ImportJob, actorId: string): Promise<string | null> {
  const { fileId } = job
  if (!job.interrupted || !fileId) return null
  const id = randomUUID()
  const queued = await db.transaction().execute(async (trx) => {
    // The file passes to one new job only: a second click or the cleanup job finds it taken.
    const claimed = await trx
      .updateTable('chronicle_jobs')
      .set({ file_id: null, result: sql<string>`result || ${JSON.stringify({ retriedAs: id })}::jsonb` })
      .where('id', '=', job.id)
      .where('state', '=', 'failed')
      .where('file_id', '=', fileId)
      .executeTakeFirst()
    if (!claimed.numUpdatedRows) return null
    return queueImport(trx, { id, fileId, actorId, params: { ...job.params, retryOf: job.id } })
  })
  if (queued) wakeWorkers(importJob)
  return queued
}

/**
 * Imports the file a finished dry run checked, with `choices` over its settings: the new job's id, or
 * null when another import took the file first (each file is imported once).
 */
export async function importCheckedFile(
  db: Db,
  checked: ImportJob & { fileId: string },
  options: { actorId: string; choices: Pick<ImportParams, 'partial' | 'blankUnknown'> },
): Promise<string | null> {
  const queued = await db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('chronicle_jobs')
      .set({ file_id: null })
      .where('id', '=', checked.id)
      .where('file_id', '=', checked.fileId)
      .executeTakeFirst()
    if (!claimed.numUpdatedRows) return null
    return queueImport(trx, {
      fileId: checked.fileId,
      actorId: options.actorId,
      params: { ...checked.params, dryRun: false, ...options.choices, after: checked.id },
    })
  })
  if (queued) wakeWorkers(importJob)
  return queued
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
