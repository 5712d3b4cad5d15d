/**
 * Published events read in keyset order: newest first, undated last, in pages (the API); by id in
 * batches (exports). A page never holds a connection between requests, so a long export
 * on the embedded database's single connection leaves room for every other request between batches.
 */
import type { Db } from '../../../platform/db/database.ts'
import type { EventFacts } from '../present/public.ts'
import { eventFactColumns, eventsWithTerms, newestFirst } from './events.ts'
import { type ResolvedFilter, wherePublic } from './filters.ts'

/** Where a page ends: the last row's public date (null once in the undated tail) and id. */
export type Cursor = { date: string | null; id: number }

/** An event row as the public outputs read it, before redaction: type and region as codes. */
export type ApiEventRow = EventFacts & {
  type: string | null
  region: string | null
  /** ISO 3166-1 alpha-2. */
  country: string | null
  /** Its acts' cases' articles, kept by triggers (see articlesOf). */
  article_ids: number[]
  updated_at: Date
}

/** The opaque text form of a cursor. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.date ?? ''}:${cursor.id}`).toString('base64url')
}

/** A cursor from its text form, or null when it is not one this server made. */
export function decodeCursor(text: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(text)) return null
  const match = /^(\d{4}-\d{2}-\d{2})?:(\d{1,15})$/.exec(Buffer.from(text, 'base64url').toString('latin1'))
  if (!match) return null
  // A day that does not exist (2022-02-30) would reach the database as an error.
  if (match[1]) {
    const day = Date.parse(`${match[1]}T00:00:00Z`)
    if (Number.isNaN(day) || new Date(day).toISOString().slice(0, 10) !== match[1]) return null
  }
  return { date: match[1] ?? null, id: Number(match[2]) }
}

/** The select every public reading of events starts from, with type, region and country as codes. */
export function selectEvents(db: Db) {
  return eventsWithTerms(db).select([
    'e.id',
    'e.title',
    'e.summary',
    't.code as type',
    'r.code as region',
    'c.code as country',
    'e.article_ids',
    ...eventFactColumns,
    'e.updated_at',
  ])
}

/**
 * Up to `limit` published events matching `filter` after `after`, and the cursor of the next page
 * (null on the last), in the public list's order (see newestFirst). The order and cursor use the
 * public date: by the true day, a sensitive event's place among its neighbours (or a cursor holding
 * its date) would give the day away.
 */
export async function listApiEvents(
  db: Db,
  filter: ResolvedFilter,
  after: Cursor | null,
  limit: number,
): Promise<{ rows: ApiEventRow[]; next: Cursor | null }> {
  const anchors = await newestFirst(db, filter, after, limit + 1)
  const page = anchors.slice(0, limit)
  const found = page.length
    ? ((await selectEvents(db)
        .where(
          'e.id',
          'in',
          page.map((anchor) => anchor.id),
        )
        .execute()) as ApiEventRow[])
    : []
  const byId = new Map(found.map((row) => [row.id, row]))
  const rows = page.flatMap((anchor) => byId.get(anchor.id) ?? [])
  return { rows, next: anchors.length > limit ? page[limit - 1]! : null }
}

/**
 * Every published event matching `filter`, in batches of `size` by id (the primary key: cheap to
 * resume whatever the filter, and an order that says nothing about blurred dates).
 */
export async function* eventBatches(
  db: Db,
  filter: ResolvedFilter,
  size = 5000,
): AsyncGenerator<ApiEventRow[]> {
  let after = 0
  for (;;) {
    const rows = (await wherePublic(selectEvents(db), filter)
      .where('e.id', '>', after)
      .orderBy('e.id')
      .limit(size)
      .execute()) as ApiEventRow[]
    if (rows.length) yield rows
    if (rows.length < size) return
    after = rows[rows.length - 1]!.id
  }
}

/** How many published events match `filter`. */
export async function countEvents(db: Db, filter: ResolvedFilter): Promise<number> {
  const row = await wherePublic(
    db.selectFrom('chronicle_events as e').select((eb) => eb.fn.countAll<number>().as('n')),
    filter,
  ).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** One published event by id, or undefined. */
export async function publishedEvent(db: Db, id: number): Promise<ApiEventRow | undefined> {
  return (await selectEvents(db)
    .where('e.id', '=', id)
    .where('e.published_at', 'is not', null)
    .executeTakeFirst()) as ApiEventRow | undefined
}
