/**
 * The triage queue: a member's desks' reports, most urgent first and then oldest first, filtered by
 * status, urgency, region, category, a flag about the person and who has them; in pages of 50 by
 * keyset. Only clear metadata is read here — nothing is decrypted to list a report.
 */
import { sql } from 'kysely'
import { z } from 'zod'
import type { Db } from '../../../platform/db/database.ts'
import { type PersonFlag, personFlags } from '../schema.ts'
import type { ReportStatus, Urgency } from '../tables.ts'
import { memberDesks } from './desks.ts'

/** Reports per page. */
export const QUEUE_PAGE = 50

const urgencies = ['urgent', 'high', 'normal'] as const
const statuses = ['new', 'in_progress', 'waiting', 'closed'] as const

/** The queue's filters, from the query string; anything unknown is dropped. */
export const queueFilterSchema = z.object({
  status: z
    .enum([...statuses, 'open'])
    .catch('open')
    .default('open'),
  urgency: z.enum(urgencies).optional().catch(undefined),
  region: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  category: z
    .string()
    .regex(/^[a-z_]{1,30}$/)
    .optional()
    .catch(undefined),
  flag: z.enum(personFlags).optional().catch(undefined),
  who: z.enum(['anyone', 'me', 'nobody']).catch('anyone').default('anyone'),
  after: z
    .string()
    .regex(/^[0-2]\.\d{13}\.[0-9a-f-]{36}$/)
    .optional()
    .catch(undefined),
})
/** Parsed queue filters. */
export type QueueFilter = z.infer<typeof queueFilterSchema>

/** One report as the queue lists it. */
export type QueueRow = {
  id: string
  deskId: string
  form: 'detained' | 'legal'
  category: string
  urgency: Urgency
  /** What about the person made it urgent (a minor, a foreign citizen, ill health). */
  flags: PersonFlag[]
  status: ReportStatus
  regionId: number | null
  receivedAt: Date
  assigneeId: string | null
  assigneeName: string | null
  groupId: string | null
  writerWaiting: boolean
}

/** The SQL rank of an urgency: the same expression as the queue index (see the migration). */
const urgencyRank = sql<number>`(CASE r.urgency WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END)`

function rank(urgency: Urgency): number {
  return urgencies.indexOf(urgency)
}

/** The cursor after a row: its urgency rank, received time and id. */
export function queueCursor(row: QueueRow): string {
  return `${rank(row.urgency)}.${row.receivedAt.getTime().toString().padStart(13, '0')}.${row.id}`
}

/**
 * A page of the queue of `userId`'s desks, and the cursor of the next page (null on the last).
 *
 * Each desk's reports are read apart (a lateral subquery per desk), so each is a walk down the queue
 * index in its order that stops after a page; only then are the desks' pages merged. Over all desks
 * at once the planner could only sort every open report.
 */
export async function readQueue(
  db: Db,
  userId: string,
  filter: QueueFilter,
): Promise<{ rows: QueueRow[]; next: string | null }> {
  const rows = await db
    .selectFrom('desk_members as m')
    .innerJoinLateral(
      (eb) => {
        let query = eb
          .selectFrom('helpdesk_reports as r')
          .select([
            'r.id',
            'r.desk_id',
            'r.form',
            'r.category',
            'r.urgency',
            'r.flags',
            'r.status',
            'r.region_id',
            'r.received_at',
            'r.assignee_id',
            'r.group_id',
            'r.writer_waiting',
            urgencyRank.as('rank'),
          ])
          .whereRef('r.desk_id', '=', 'm.desk_id')
        // Any status but closed is in the queue index (a partial one), so its walk is in order.
        if (filter.status !== 'closed') query = query.where('r.status', '<>', 'closed')
        if (filter.status !== 'open') query = query.where('r.status', '=', filter.status)
        // Named as the index names it too, so the walk starts at that urgency instead of passing every
        // more urgent report first.
        if (filter.urgency)
          query = query.where('r.urgency', '=', filter.urgency).where(urgencyRank, '=', rank(filter.urgency))
        if (filter.region) query = query.where('r.region_id', '=', filter.region)
        if (filter.category) query = query.where('r.category', '=', filter.category)
        // Every flagged report is urgent, so the walk finds them at its start.
        if (filter.flag) query = query.where(sql<boolean>`${filter.flag} = ANY(r.flags)`)
        if (filter.who === 'me') query = query.where('r.assignee_id', '=', userId)
        if (filter.who === 'nobody') query = query.where('r.assignee_id', 'is', null)
        if (filter.after) {
          const [level, time, id] = filter.after.split('.')
          query = query.where(
            sql<boolean>`(${urgencyRank}, r.received_at, r.id) > (${Number(level)}, ${new Date(Number(time))}, ${id}::uuid)`,
          )
        }
        return query
          .orderBy(urgencyRank)
          .orderBy('r.received_at')
          .orderBy('r.id')
          .limit(QUEUE_PAGE + 1)
          .as('q')
      },
      (join) => join.onTrue(),
    )
    .leftJoin('users as u', 'u.id', 'q.assignee_id')
    .selectAll('q')
    .select('u.display_name as assignee_name')
    .where('m.user_id', '=', userId)
    .orderBy('q.rank')
    .orderBy('q.received_at')
    .orderBy('q.id')
    .limit(QUEUE_PAGE + 1)
    .execute()
  const shown: QueueRow[] = rows.slice(0, QUEUE_PAGE).map((row) => ({
    id: row.id,
    deskId: row.desk_id,
    form: row.form,
    category: row.category,
    urgency: row.urgency,
    flags: row.flags,
    status: row.status,
    regionId: row.region_id,
    receivedAt: row.received_at,
    assigneeId: row.assignee_id,
    assigneeName: row.assignee_name,
    groupId: row.group_id,
    writerWaiting: row.writer_waiting,
  }))
  return { rows: shown, next: rows.length > QUEUE_PAGE ? queueCursor(shown[shown.length - 1]!) : null }
}

/** Counts of a member's open reports by status, for the queue's heading (kept by a trigger). */
export async function openCounts(db: Db, userId: string): Promise<Record<ReportStatus, number>> {
  const rows = await db
    .selectFrom('helpdesk_open_tally')
    .select(['status', (eb) => eb.fn.sum<number>('reports').as('n')])
    .where('desk_id', 'in', memberDesks(db, userId))
    .groupBy('status')
    .execute()
  const counts = { new: 0, in_progress: 0, waiting: 0, closed: 0 }
  for (const row of rows) counts[row.status] = Number(row.n)
  return counts
}
