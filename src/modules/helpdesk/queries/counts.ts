/**
 * Public counts without content: reports received and people helped, by day and by region, from the
 * live reports and from the counts kept of deleted ones. What someone patient could learn from them
 * is bounded three ways:
 *
 * - Only periods that ended a while ago are counted. A count that moves while someone watches says a
 *   report just came in (a region went from 10 to 11 right after one submission): days are published
 *   two days after they end, regions only for whole months, two days after the month ends.
 * - Days and regions with no reports are not listed. A day's count from 1 to 4 is hidden, shown as
 *   "1–4" (platform/intake/small-counts.ts).
 * - Region counts are rounded to the nearest 5 (1 to 4 hidden, shown as "1–4"). With exact region
 *   counts, a hidden cell is recovered by subtraction — all reports minus the shown regions, or this
 *   month's table minus last month's — and no total is published to subtract from either. Rounding
 *   leaves every such difference uncertain by more than a hidden cell's range.
 */
import { sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import { type ShownCount, shownExact, shownRounded } from '../../../platform/intake/small-counts.ts'

/** How many days the by-day table covers. */
export const COUNT_DAYS = 60
/** How long after a period ends it is published. */
const DELAY_MS = 48 * 3_600_000
const DAY_MS = 86_400_000

/** One row of the public counts. */
export type CountRow = { received: ShownCount; helped: ShownCount }

const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10)

/**
 * The periods published at `now`: the last day counted (every day up to it ended at least 48 hours
 * ago), the first day of the by-day table, and the last day of the last whole month counted by region.
 */
export function publishedPeriods(now: Date): { lastDay: string; firstDay: string; regionsThrough: string } {
  const settled = new Date(now.getTime() - DELAY_MS)
  // The day `settled` falls in has not been over for 48 hours; the one before has.
  const lastDayStart = Math.floor(settled.getTime() / DAY_MS) * DAY_MS - DAY_MS
  // Nor has the month it falls in: regions count up to the end of the month before.
  const monthStart = Date.UTC(settled.getUTCFullYear(), settled.getUTCMonth(), 1)
  return {
    lastDay: dayOf(lastDayStart),
    firstDay: dayOf(lastDayStart - (COUNT_DAYS - 1) * DAY_MS),
    regionsThrough: dayOf(monthStart - DAY_MS),
  }
}

/** The counts by day and by region (region 0: not given), and the periods they cover. */
export async function publicCounts(db: Db, now = new Date()) {
  const periods = publishedPeriods(now)
  const live = db
    .selectFrom('helpdesk_reports')
    .select([
      sql<string>`(received_at AT TIME ZONE 'UTC')::date::text`.as('day'),
      sql<number>`coalesce(region_id, 0)`.as('region_id'),
      sql<number>`1`.as('received'),
      sql<number>`CASE WHEN outcome = 'helped' THEN 1 ELSE 0 END`.as('helped'),
    ])
  const kept = db
    .selectFrom('helpdesk_counts')
    .select([sql<string>`day::text`.as('day'), 'region_id', 'received', 'helped'])
  const all = live.unionAll(kept)
  const [byDay, byRegion] = await Promise.all([
    db
      .selectFrom(all.as('c'))
      .select([
        'c.day',
        sql<number>`sum(c.received)::int`.as('received'),
        sql<number>`sum(c.helped)::int`.as('helped'),
      ])
      .where('c.day', '>=', periods.firstDay)
      .where('c.day', '<=', periods.lastDay)
      .groupBy('c.day')
      .orderBy('c.day', 'desc')
      .execute(),
    db
      .selectFrom(all.as('c'))
      .select([
        'c.region_id',
        sql<number>`sum(c.received)::int`.as('received'),
        sql<number>`sum(c.helped)::int`.as('helped'),
      ])
      .where('c.day', '<=', periods.regionsThrough)
      .groupBy('c.region_id')
      .execute(),
  ])
  return {
    ...periods,
    byDay: byDay.map((row) => ({
      day: row.day,
      received: shownExact(row.received),
      helped: shownExact(row.helped),
    })),
    byRegion: byRegion
      .map((row) => ({
        regionId: Number(row.region_id),
        received: shownRounded(row.received),
        helped: shownRounded(row.helped),
      }))
      // A region rounded to nothing is not listed, as one with no reports isn't.
      .filter((row) => row.received !== 0),
  }
}
