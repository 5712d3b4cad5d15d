/**
 * Large exports as background jobs: a request records the export in chronicle_jobs (queued, with its
 * file path), and the `chronicle-exports` job claims queued ones and writes each to its file under
 * LIFELINE_DATA_DIR/exports, counting progress per batch. Files are deleted after a day, so a file
 * never outlives a redaction change (an unpublished event, a withdrawn consent) by more than that.
 */
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { sql } from 'kysely'
import { z } from 'zod'
import type { Db } from '../../../platform/db/database.ts'
import { defineJob } from '../../../platform/jobs/queue.ts'
import { eventFilterSchema, resolveFilter } from '../filters.ts'
import { exportFormats } from './formats.ts'
import { exportChunks } from './stream.ts'

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

/** Claims the oldest queued export, or undefined when none waits. */
async function claim(db: Db) {
  const { rows } = await sql<{ id: string; params: unknown; file_path: string }>`
    UPDATE chronicle_jobs SET state = 'running'
    WHERE id = (SELECT id FROM chronicle_jobs WHERE kind = 'export' AND state = 'queued'
                ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id, params, file_path`.execute(db)
  return rows[0]
}

/** Writes one claimed export to its file, then marks it done (or failed, with the reason). */
export async function runExport(db: Db, job: { id: string; params: unknown; file_path: string }) {
  const partial = `${job.file_path}.part`
  try {
    const params = exportParams.parse(job.params)
    const filter = await resolveFilter(db, params.filter)
    await mkdir(dirname(job.file_path), { recursive: true })
    const chunks = exportChunks(db, filter, params.format, {
      publicUrl: params.publicUrl,
      onBatch: async (rows) => {
        await db.updateTable('chronicle_jobs').set({ done_rows: rows }).where('id', '=', job.id).execute()
      },
    })
    // One chunk (a batch of events) waits at most, so memory stays flat whatever the export's size.
    await pipeline(Readable.from(chunks, { highWaterMark: 1 }), createWriteStream(partial))
    await rename(partial, job.file_path)
    await sql`UPDATE chronicle_jobs SET state = 'done', total_rows = done_rows, finished_at = now()
      WHERE id = ${job.id}`.execute(db)
  } catch (error) {
    await rm(partial, { force: true })
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
  const old = await db
    .selectFrom('chronicle_jobs')
    .select(['id', 'file_path'])
    .where('kind', '=', 'export')
    .where('state', 'in', ['done', 'failed'])
    .where('file_path', 'is not', null)
    .where('finished_at', '<', new Date(Date.now() - EXPORT_KEEP_MS))
    .execute()
  for (const job of old) {
    await rm(job.file_path!, { force: true })
    await db.updateTable('chronicle_jobs').set({ file_path: null }).where('id', '=', job.id).execute()
  }
  return ran
}

/** Every minute, the queued exports. */
export const exportJob = defineJob({
  name: 'chronicle-exports',
  schedule: '* * * * *',
  handler: async (db) => {
    await runQueuedExports(db)
  },
})
