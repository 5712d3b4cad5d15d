/**
 * Retention's deletion: every closed report whose time has come (queries/retention.ts) goes — the
 * report, its thread and files, every sealed record behind them with all their keys, and first of all
 * its erasure key. What the public counts keep of it is added to helpdesk_counts first.
 */
import { sql } from 'kysely'
import { audit } from '../../../platform/audit.ts'
import { shredRecord } from '../../../platform/crypto/sealed-records.ts'
import type { Db } from '../../../platform/db/database.ts'
import { dueQuery } from '../queries/retention.ts'
import { eraseReportKey } from '../report-lock.ts'

/**
 * Deletes every report whose time has come, one report per transaction (a crash loses at most the one
 * in hand, and the next run picks it up); returns how many were deleted.
 */
export async function deleteExpiredReports(db: Db, now = new Date()): Promise<number> {
  const due = await dueQuery(db, now).orderBy('delete_at').limit(5000).execute()
  let deleted = 0
  for (const report of due) {
    await db.transaction().execute(async (trx) => {
      // Locked first: a message added meanwhile would leave a sealed record behind. A report a writer
      // reopened since the list was read is no longer closed, and stays.
      const held = await trx
        .selectFrom('helpdesk_reports')
        .select('id')
        .where('id', '=', report.id)
        .where('status', '=', 'closed')
        .forUpdate()
        .executeTakeFirst()
      if (!held) return
      // The erasure key goes first: from here on no copy of the report anywhere, backups included,
      // can be read. Should what follows fail, the rows stay (unreadable) and the next run deletes them.
      await eraseReportKey(db, report.erasure_key)
      const messages = await trx
        .selectFrom('helpdesk_messages')
        .select('record_id')
        .where('report_id', '=', report.id)
        .execute()
      const files = await trx
        .selectFrom('helpdesk_files')
        .select('record_id')
        .where('report_id', '=', report.id)
        .execute()
      await trx.deleteFrom('helpdesk_reports').where('id', '=', report.id).execute()
      const records = [
        report.content_id,
        ...messages.map((row) => row.record_id),
        ...files.map((row) => row.record_id),
      ]
      for (const recordId of records) await shredRecord(trx, { recordId, actorId: null })
      await trx
        .insertInto('helpdesk_counts')
        .values({
          day: report.received_at.toISOString().slice(0, 10),
          region_id: report.region_id ?? 0,
          received: 1,
          helped: report.outcome === 'helped' ? 1 : 0,
        })
        .onConflict((oc) =>
          oc.columns(['day', 'region_id']).doUpdateSet({
            received: sql`helpdesk_counts.received + excluded.received`,
            helped: sql`helpdesk_counts.helped + excluded.helped`,
          }),
        )
        .execute()
      deleted += 1
    })
  }
  if (deleted) await audit(db, { actorId: null, action: 'helpdesk.retention', detail: { deleted } })
  return deleted
}
