/**
 * Import jobs started from the staff page: a chronicle_jobs row per run, the run itself in this
 * process, its progress kept in memory while it runs. Progress is not written to the database
 * mid-run: an all-or-nothing import holds its transaction, and on the embedded database (one
 * connection) a second writer would wait for it forever.
 */
import { createReadStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'
import type { Mapping } from './mapping.ts'
import { type ImportProgress, type ImportReport, runImport } from './run.ts'

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
}

/** A job as its page shows it. */
export type ImportJob = {
  id: string
  state: 'queued' | 'running' | 'done' | 'failed'
  params: ImportParams
  filePath: string | null
  doneRows: number
  report: ImportReport | null
  progress: ImportProgress | null
  createdAt: Date
  finishedAt: Date | null
}

const progressById = new Map<string, ImportProgress>()
const runs = new Set<Promise<void>>()

/** Creates a job row for an uploaded file and starts it; returns the job id at once. */
export async function startImportJob(
  db: Db,
  options: { params: ImportParams; filePath: string; actorId: string },
): Promise<string> {
  const { id } = await db
    .insertInto('chronicle_jobs')
    .values({
      kind: 'import',
      state: 'running',
      params: JSON.stringify(options.params),
      file_path: options.filePath,
      created_by: options.actorId,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  progressById.set(id, { rows: 0, bytes: 0, totalBytes: options.params.totalBytes })
  const run = execute(db, id, options).finally(() => {
    progressById.delete(id)
    runs.delete(run)
  })
  runs.add(run)
  return id
}

async function execute(
  db: Db,
  id: string,
  options: { params: ImportParams; filePath: string; actorId: string },
) {
  const { params } = options
  try {
    const report = await runImport(db, {
      mapping: params.mapping,
      open: () => createReadStream(options.filePath),
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
    if (!params.dryRun) await rm(options.filePath, { force: true })
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

/** An import job by id, or null (also for an export job). */
export async function findImportJob(db: Db, id: string): Promise<ImportJob | null> {
  const row = await db
    .selectFrom('chronicle_jobs')
    .selectAll()
    .where('id', '=', id)
    .where('kind', '=', 'import')
    .executeTakeFirst()
  if (!row) return null
  const result = row.result as Record<string, unknown> | null
  return {
    id: row.id,
    state: row.state,
    params: row.params as unknown as ImportParams,
    filePath: row.file_path,
    doneRows: row.done_rows,
    report: result && 'rows' in result ? (result as unknown as ImportReport) : null,
    progress: progressById.get(row.id) ?? null,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  }
}

/** The latest import jobs, newest first. */
export async function recentImportJobs(db: Db, limit = 20) {
  const rows = await db
    .selectFrom('chronicle_jobs')
    .select(['id', 'state', 'params', 'done_rows', 'created_at'])
    .where('kind', '=', 'import')
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute()
  return rows.map((row) => ({ ...row, params: row.params as unknown as ImportParams }))
}

/** Waits for every running import (tests, and a clean shutdown). */
export async function settleImports(): Promise<void> {
  while (runs.size) await Promise.allSettled([...runs])
}
