/** An export job as its progress page and its download read it. */
import type { Db } from '../../../platform/db/database.ts'
import { findStoredFile } from '../../../platform/db/stored-files.ts'
import type { ExportFormat } from '../present/export-formats.ts'

/** The export job with this id, its format and its file if still kept; undefined if there is none. */
export async function findExportJob(db: Db, id: string) {
  const job = await db
    .selectFrom('chronicle_jobs')
    .select(['id', 'state', 'params', 'done_rows', 'total_rows', 'file_id'])
    .where('id', '=', id)
    .where('kind', '=', 'export')
    .executeTakeFirst()
  if (!job) return undefined
  const format = (job.params as { format?: ExportFormat }).format ?? 'csv'
  const file = job.file_id ? await findStoredFile(db, job.file_id) : null
  return { ...job, format, file, available: !!file }
}
