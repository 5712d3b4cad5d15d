/**
 * Public counts without content: reports received and people helped, by day (the last 60 days) and by
 * region (all time), from the live reports and from the counts kept of deleted ones. A count from 1 to
 * 4 is shown as "fewer than 5": a single report from a small region on a given day could tell someone
 * that a family they know wrote to the desk.
 */
import { sql } from 'kysely'
import type { Db } from '../../platform/db/database.ts'
import { describeApi } from '../chronicle/api/openapi.ts'

/** Counts below this are not shown exactly. */
export const SMALLEST_SHOWN = 5
/** How many days the by-day table covers. */
export const COUNT_DAYS = 60

/** A count as published: the number, or null for "fewer than SMALLEST_SHOWN" (but more than none). */
export type ShownCount = number | null

/** One row of the public counts. */
export type CountRow = { received: ShownCount; helped: ShownCount }

function shown(value: number): ShownCount {
  return value > 0 && value < SMALLEST_SHOWN ? null : value
}

/** The counts by day and by region (region 0: not given). */
export async function publicCounts(db: Db, now = new Date()) {
  const since = new Date(now.getTime() - COUNT_DAYS * 86_400_000).toISOString().slice(0, 10)
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
  const byDay = await db
    .selectFrom(all.as('c'))
    .select([
      'c.day',
      sql<number>`sum(c.received)::int`.as('received'),
      sql<number>`sum(c.helped)::int`.as('helped'),
    ])
    .where('c.day', '>=', since)
    .groupBy('c.day')
    .orderBy('c.day', 'desc')
    .execute()
  const byRegion = await db
    .selectFrom(all.as('c'))
    .select([
      'c.region_id',
      sql<number>`sum(c.received)::int`.as('received'),
      sql<number>`sum(c.helped)::int`.as('helped'),
    ])
    .groupBy('c.region_id')
    .execute()
  return {
    byDay: byDay.map((row) => ({ day: row.day, received: shown(row.received), helped: shown(row.helped) })),
    byRegion: byRegion.map((row) => ({
      regionId: Number(row.region_id),
      received: shown(row.received),
      helped: shown(row.helped),
    })),
  }
}

// A count, or null for "fewer than fewerThan".
const shownCount = { type: ['integer', 'null'], minimum: 0 }
describeApi('/api/v1/helpdesk/counts', 'get', {
  operationId: 'getHelpdeskCounts',
  summary: 'Help desk requests received and people helped, by day (last 60 days) and by region; no content.',
  tags: ['help desk'],
  responses: {
    200: {
      description: 'The counts. A count from 1 to fewerThan - 1 is null.',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              fewerThan: { type: 'integer' },
              byDay: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { day: { type: 'string' }, received: shownCount, helped: shownCount },
                },
              },
              byRegion: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    region: { type: ['string', 'null'] },
                    received: shownCount,
                    helped: shownCount,
                  },
                },
              },
            },
          },
        },
      },
    },
  },
})
