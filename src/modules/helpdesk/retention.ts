/**
 * Retention: a closed report is deleted when its desk's retention period after closing has passed —
 * the report, its thread and files, and every sealed record behind them with all their keys. First
 * of all its erasure key (erasure.ts), kept outside the database: with it destroyed, not even a
 * backup taken before, restored, with a member's key in hand, opens the report again.
 * What the public counts keep of it (a day, a region, whether someone was helped) is added to
 * helpdesk_counts first. Coordinators see a week ahead what will go.
 */
import { sql } from 'kysely'
import { audit } from '../../platform/audit.ts'
import { shredRecord } from '../../platform/crypto/sealed-records.ts'
import type { Db } from '../../platform/db/database.ts'
import { defineJob } from '../../platform/jobs/queue.ts'
import { memberDesks } from './desks.ts'
import { eraseReportKey } from './erasure.ts'
import { forgetSpentProofs } from './proof-of-work.ts'

/** How far ahead the list of what will be deleted looks. */
export const NOTICE_DAYS = 7

/** A report due for deletion, as the list shows it: no content. */
export type DueReport = {
  id: string
  deskName: string
  category: string
  regionId: number | null
  receivedAt: Date
  closedAt: Date
  deleteAt: Date
}

// When a closed report `r` of help desk `h` is deleted: the desk's retention after closing, or later
// if a coordinator chose to keep the report longer.
const deleteAt = sql<Date>`greatest(r.closed_at + make_interval(days => h.retention_days), r.keep_until)`

// Closed reports whose deletion time is before `until`.
function dueQuery(db: Db, until: Date) {
  return db
    .selectFrom('helpdesk_reports as r')
    .innerJoin('helpdesk_desks as h', 'h.desk_id', 'r.desk_id')
    .innerJoin('desks as d', 'd.id', 'r.desk_id')
    .where('r.status', '=', 'closed')
    .where(deleteAt, '<=', until)
    .select([
      'r.id',
      'd.name',
      'r.category',
      'r.region_id',
      'r.received_at',
      'r.closed_at',
      'r.content_id',
      'r.erasure_key',
      'r.outcome',
      deleteAt.as('delete_at'),
    ])
}

/** The reports of `userId`'s desks that will be deleted within NOTICE_DAYS, soonest first. */
export async function dueForDeletion(db: Db, userId: string, now = new Date()): Promise<DueReport[]> {
  const rows = await dueQuery(db, new Date(now.getTime() + NOTICE_DAYS * 86_400_000))
    .where('r.desk_id', 'in', memberDesks(db, userId))
    .orderBy('delete_at')
    .limit(1000)
    .execute()
  return rows.map((row) => ({
    id: row.id,
    deskName: row.name,
    category: row.category,
    regionId: row.region_id,
    receivedAt: row.received_at,
    closedAt: row.closed_at!,
    deleteAt: new Date(row.delete_at),
  }))
}

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

/** How much longer a coordinator may keep a report at a time. */
export const KEEP_DAYS = [30, 90, 180, 365] as const

/**
 * Keeps a closed report `days` past the later of its deletion time and now; returns false when the
 * report is not closed (an open one is not being deleted).
 */
export async function keepLonger(db: Db, reportId: string, days: number, actorId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const kept = await trx
      .updateTable('helpdesk_reports as r')
      .from('helpdesk_desks as h')
      .set({
        keep_until: sql`greatest(${deleteAt}, now()) + make_interval(days => ${days}::int)`,
      })
      .whereRef('h.desk_id', '=', 'r.desk_id')
      .where('r.id', '=', reportId)
      .where('r.status', '=', 'closed')
      .returning('r.keep_until')
      .executeTakeFirst()
    if (!kept) return false
    await audit(trx, { actorId, action: 'helpdesk.keep_longer', target: reportId, detail: { days } })
    return true
  })
}

/** Hourly: delete the reports whose retention has passed, and forget expired proofs of work. */
export const retentionJob = defineJob({
  name: 'helpdesk-retention',
  schedule: '23 * * * *',
  async handler(db) {
    await deleteExpiredReports(db)
    await forgetSpentProofs(db)
  },
})
