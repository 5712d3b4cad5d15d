/**
 * Retention: a closed report is deleted when its desk's retention period after closing has passed —
 * the report, its thread and files, and every sealed record behind them with all their keys. First
 * of all its erasure key (report-lock.ts), kept outside the database: with it destroyed, not even a
 * backup taken before, restored, with a member's key in hand, opens the report again.
 * What the public counts keep of it (a day, a region, whether someone was helped) is added to
 * helpdesk_counts first. Coordinators see a week ahead what will go.
 */
import { sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import { memberDesks } from './desks.ts'

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

/**
 * When a closed report `r` of help desk `h` is deleted (SQL): the desk's retention after closing, or
 * later if a coordinator chose to keep the report longer.
 */
export const deleteAt = sql<Date>`greatest(r.closed_at + make_interval(days => h.retention_days), r.keep_until)`

/** Closed reports whose deletion time is before `until` (with what deleting them needs). */
export function dueQuery(db: Db, until: Date) {
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
