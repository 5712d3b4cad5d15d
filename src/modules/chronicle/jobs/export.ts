/**
 * Large exports as background jobs: a request records the export in chronicle_jobs (queued) and, in
 * the same transaction, enqueues a `chronicle-export` job for it; that job claims it and writes it as a
 * file in the database
 * (src/platform/db/stored-files.ts), so that any app node can serve its download, counting progress
 * per batch. Files are deleted after a day, so a file never outlives a redaction change (an
 * unpublished event, a withdrawn consent) by more than that. Every ten minutes `chronicle-exports`
 * sweeps: it fails exports whose process died, runs any still queued (a job lost with a node, or
 * asked for before an upgrade), and deletes expired files.
 */
import { sql } from 'kysely'
import { z } from 'zod'
import type { Db } from '../../../platform/db/database.ts'
import { storeFile } from '../../../platform/db/stored-files.ts'
import { defineJob } from '../../../platform/jobs/queue.ts'
import { exportChunks } from '../commands/export/stream.ts'
import { exportFormats } from '../present/export-formats.ts'
import { resolveFilter } from '../queries/filters.ts'
import { eventFilterSchema } from '../schema/filter.ts'

/** How long a finished export's file is kept. */
export const EXPORT_KEEP_MS = 24 * 3600 * 1000
/** A running export older than this died with its process (a million rows take minutes, not hours). */
export const EXPORT_STALE_MS = 6 * 3600 * 1000

/** What a queued export records in chronicle_jobs.params. */
export const exportParams = z.object({
  format: z.enum(exportFormats),
  filter: eventFilterSchema,
  publicUrl: z.string(),
})

/**
 * Claims a queued export: the one named, or else the oldest; undefined when it is not (or no longer)
 * queued. A job and the sweep may reach for the same one: only one of them claims it.
 */
async function claim(db: Db, id?: string) {
  const which = id
    ? sql`SELECT id FROM chronicle_jobs WHERE id = ${id} AND kind = 'export' AND state = 'queued'
          FOR UPDATE SKIP LOCKED`
    : sql`SELECT id FROM chronicle_jobs WHERE kind = 'export' AND state = 'queued'
          ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED`
  const { rows } = await sql<{ id: string; params: unknown }>`
    UPDATE chronicle_jobs SET state = 'running' WHERE id = (${which})
    RETURNING id, params`.execute(db)
  return rows[0]
}

/** Writes one claimed export to its file, then marks it done (or failed, with the reason). */
export async function runExport(db: Db, job: { id: string; params: unknown }) {
  try {
    const params = exportParams.parse(job.params)
    const filter = await resolveFilter(db, params.filter)
    const chunks = exportChunks(db, filter, params.format, {
      publicUrl: params.publicUrl,
      onBatch: async (rows) => {
        await db.updateTable('chronicle_jobs').set({ done_rows: rows }).where('id', '=', job.id).execute()
      },
    })
    // The file is pulled from the export a chunk at a time, so memory stays flat whatever its size.
    const file = await storeFile(db, chunks, { kind: 'chronicle-export' })
    await sql`UPDATE chronicle_jobs SET state = 'done', total_rows = done_rows, finished_at = now(),
        file_id = ${file.id}
      WHERE id = ${job.id}`.execute(db)
  } catch (error) {
    await db
      .updateTable('chronicle_jobs')
      .set({
        state: 'failed',
        finished_at: new Date(),
        result: JSON.stringify({ error: error instanceof Error ? error.message : String(error) }),
      })
      .where('id', '=', job.id)
      .execute()
  }
}

/** Runs every queued export, one after another, then deletes files past their time. */
export async function runQueuedExports(db: Db): Promise<number> {
  await db
    .updateTable('chronicle_jobs')
    .set({ state: 'failed', finished_at: new Date(), result: JSON.stringify({ error: 'stopped' }) })
    .where('kind', '=', 'export')
    .where('state', '=', 'running')
    .where('created_at', '<', new Date(Date.now() - EXPORT_STALE_MS))
    .execute()
  let ran = 0
  for (let job = await claim(db); job; job = await claim(db)) {
    await runExport(db, job)
    ran += 1
  }
  // The jobs keep their rows, and their pages say the file is gone (the key clears file_id).
  await sql`DELETE FROM stored_files WHERE id IN (
      SELECT file_id FROM chronicle_jobs
      WHERE kind = 'export' AND state IN ('done', 'failed') AND file_id IS NOT NULL
        AND finished_at < ${new Date(Date.now() - EXPORT_KEEP_MS)})`.execute(db)
  return ran
}

/** One export, enqueued by the request that asked for it (commands/export/request-export.ts). */
export const exportJob = defineJob({
  name: 'chronicle-export',
  payload: z.object({ exportId: z.uuid() }),
  async handler(db, { exportId }) {
    const job = await claim(db, exportId)
    if (job) await runExport(db, job)
  },
})

/** Every ten minutes, the sweep described above. */
export const exportSweepJob = defineJob({
  name: 'chronicle-exports',
  schedule: '*/10 * * * *',
  async handler(db) {
    await runQueuedExports(db)
  },
})
