/**
 * Asking for an export as a background job. The same export asked for again (or by someone else) while
 * one is waiting or fresh reuses it; past MAX_WAITING_EXPORTS waiting, new ones are refused for a while.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../../../platform/db/database.ts'
import { enqueue, wakeWorkers } from '../../../../platform/jobs/queue.ts'
import { errors } from '../../errors.ts'
import { EXPORT_KEEP_MS, EXPORT_STALE_MS, exportJob } from '../../jobs/export.ts'
import type { ExportFormat } from '../../present/export-formats.ts'
import { countEvents } from '../../queries/api-events.ts'
import { resolveFilter } from '../../queries/filters.ts'
import type { EventFilter } from '../../schema/filter.ts'

/** Queued or running exports beyond which new ones are refused for a while. */
const MAX_WAITING_EXPORTS = 20

/** The filter with empty parts dropped and lists sorted, so equal filters compare equal. */
export function normalisedFilter(filter: EventFilter): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [key, value] of Object.entries(filter)) {
    if (Array.isArray(value)) {
      if (value.length) out[key] = [...value].sort()
    } else if (value) out[key] = value
  }
  return out
}

/** The id of the export job for this filter and format: one already waiting or fresh, else a new one. */
export async function requestExport(
  db: Db,
  request: { format: ExportFormat; filter: EventFilter; publicUrl: string; createdBy: string | null },
): Promise<string> {
  const { format, filter, publicUrl } = request
  const params = { format, filter: normalisedFilter(filter), publicUrl }
  const known = await db
    .selectFrom('chronicle_jobs')
    .select('id')
    .where('kind', '=', 'export')
    .where(sql<boolean>`params = ${JSON.stringify(params)}::jsonb`)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('state', 'in', ['queued', 'running']),
          eb('created_at', '>', new Date(Date.now() - EXPORT_STALE_MS)),
        ]),
        eb.and([
          eb('state', '=', 'done'),
          eb('file_id', 'is not', null),
          eb('finished_at', '>', new Date(Date.now() - EXPORT_KEEP_MS / 2)),
        ]),
      ]),
    )
    .orderBy('created_at', 'desc')
    .executeTakeFirst()
  if (known) return known.id
  const waiting = await db
    .selectFrom('chronicle_jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'export')
    .where('state', 'in', ['queued', 'running'])
    .executeTakeFirstOrThrow()
  if (Number(waiting.n) >= MAX_WAITING_EXPORTS) throw errors.ERR_EXPORTS_BUSY()
  const id = randomUUID()
  const total = await countEvents(db, await resolveFilter(db, filter))
  // The row and its job commit together: no job without its export, no export left without a job.
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('chronicle_jobs')
      .values({
        id,
        kind: 'export',
        params: JSON.stringify(params),
        total_rows: total,
        result: null,
        created_by: request.createdBy,
        finished_at: null,
      })
      .execute()
    await enqueue(trx, exportJob, { exportId: id })
  })
  wakeWorkers(exportJob)
  return id
}
