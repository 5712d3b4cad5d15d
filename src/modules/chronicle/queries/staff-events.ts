/**
 * The staff list of events: every status, published or not, newest first, 50 a page. Pages by id
 * (keyset), so the thousandth page costs what the first does. Events merged into another are left
 * out: their survivor stands for them, and their own page (by number) says where they went.
 */
import { sql } from 'kysely'
import type { Precision } from '../../../platform/dates/precision.ts'
import type { Db } from '../../../platform/db/database.ts'
import type { Localised } from '../../../platform/localised.ts'
import { eventsWithTerms } from './events.ts'
import { searchQuery } from './filters.ts'

/** Events per page. */
export const STAFF_PAGE_SIZE = 50

/** The staff list's filters. */
export type StaffListFilter = {
  status?: '' | 'reported' | 'verified' | 'disputed'
  published?: '' | 'yes' | 'no'
  q?: string
  before?: number
}

/** One row of the staff list. */
export type StaffListRow = {
  id: number
  title: Localised
  type: string | null
  typeLabels: Localised | null
  region: string | null
  regionLabels: Localised | null
  /** ISO 3166-1; shown where there is no region (a town abroad). */
  country: string | null
  countryLabels: Localised | null
  start_date: string | null
  start_precision: Precision
  status: 'reported' | 'verified' | 'disputed'
  published: boolean
  updated_at: Date
}

/** One page of events and the cursor of the next (older) page, if there is one. */
export async function listStaffEvents(
  db: Db,
  filter: StaffListFilter,
): Promise<{ rows: StaffListRow[]; nextBefore: number | null }> {
  let query = eventsWithTerms(db)
    .select([
      'e.id',
      'e.title',
      't.code as type',
      't.labels as typeLabels',
      'r.code as region',
      'r.labels as regionLabels',
      'c.code as country',
      'c.labels as countryLabels',
      'e.start_date',
      'e.start_precision',
      'e.status',
      'e.published_at',
      'e.updated_at',
    ])
    .where('e.merged_into', 'is', null)
    .orderBy('e.id', 'desc')
    .limit(STAFF_PAGE_SIZE + 1)
  if (filter.status) query = query.where('e.status', '=', filter.status)
  if (filter.published === 'yes') query = query.where('e.published_at', 'is not', null)
  if (filter.published === 'no') query = query.where('e.published_at', 'is', null)
  if (filter.before) query = query.where('e.id', '<', filter.before)
  if (filter.q) {
    const q = filter.q
    // An event's number finds it too: staff pass numbers around.
    const id = /^#?(\d{1,15})$/.exec(q)?.[1]
    query = query.where((eb) =>
      id
        ? eb.or([eb('e.id', '=', Number(id)), sql<boolean>`e.search @@ ${searchQuery(q)}`])
        : sql<boolean>`e.search @@ ${searchQuery(q)}`,
    )
  }
  const found = await query.execute()
  const rows = found.slice(0, STAFF_PAGE_SIZE).map((row) => ({
    id: row.id,
    title: (row.title ?? {}) as Localised,
    type: row.type,
    typeLabels: row.typeLabels as Localised | null,
    region: row.region,
    regionLabels: row.regionLabels as Localised | null,
    country: row.country,
    countryLabels: row.countryLabels as Localised | null,
    start_date: row.start_date,
    start_precision: row.start_precision,
    status: row.status,
    published: row.published_at !== null,
    updated_at: row.updated_at,
  }))
  return { rows, nextBefore: found.length > STAFF_PAGE_SIZE ? rows[rows.length - 1]!.id : null }
}
