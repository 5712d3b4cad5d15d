/**
 * Uploaded files kept past their use: a dry run's file waits for the import that may follow, an
 * interrupted or failed job's file for a try again. A day after the job ended the file goes and the
 * job is marked (result.fileExpired), so its page asks for the file again instead of offering an
 * import that would fail. Nothing else is removed: not a file a running job reads, not one a newer
 * job took over (its row no longer names it), not a file of any other kind of job.
 */
import { sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import { deleteStoredFiles } from '../../../platform/db/stored-files.ts'
import { defineJob } from '../../../platform/jobs/queue.ts'
import { markInterrupted } from '../commands/import/run-job.ts'

/** How long an uploaded file is kept after its job ended. */
export const IMPORT_FILE_KEEP_MS = 24 * 3600 * 1000

/** Removes the kept files of import jobs that ended more than a day ago; returns how many. */
export async function expireImportFiles(db: Db): Promise<number> {
  await markInterrupted(db)
  // Each row is locked and cleared before its file goes, so a concurrent "import this file" (which
  // takes the file by clearing the same column) either wins, and the file stays, or finds it taken.
  const { rows } = await sql<{ file_id: string }>`
    UPDATE chronicle_jobs j SET file_id = NULL,
      result = coalesce(j.result, '{}'::jsonb) || '{"fileExpired": true}'::jsonb
    FROM (SELECT id, file_id FROM chronicle_jobs
          WHERE kind = 'import' AND file_id IS NOT NULL
            AND finished_at < ${new Date(Date.now() - IMPORT_FILE_KEEP_MS)}
            AND (state = 'failed' OR (state = 'done' AND params @> '{"dryRun": true}'::jsonb))
          FOR UPDATE) old
    WHERE j.id = old.id
    RETURNING old.file_id`.execute(db)
  await deleteStoredFiles(
    db,
    rows.map((row) => row.file_id),
  )
  return rows.length
}

/** Every hour, the kept import files past their day. */
export const importFilesJob = defineJob({
  name: 'chronicle-import-files',
  schedule: '23 * * * *',
  handler: async (db) => {
    await expireImportFiles(db)
  },
})
