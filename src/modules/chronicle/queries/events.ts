/**
 * Reads behind the public chronicle: the list (keyset pages over `(public_date, id)`, newest first,
 * undated events last), search highlights and the permalinks' records (facet counts: facets.ts). Only
 * published events are read, always through filters.ts; what leaves here still goes through present.ts.
 */
import { sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import { type ResolvedFilter, searchQuery, wherePublic } from './filters.ts'
import { walkBudget, walkIds } from './search.ts'

/** An event's when, where, how many and review state, as every public output reads them. */
export const eventFactColumns = [
  'e.start_date',
  'e.start_precision',
  'e.end_date',
  'e.end_precision',
  'e.locality',
  'e.latitude',
  'e.longitude',
  'e.coord_precision',
  'e.participants',
  'e.participants_qualifier',
  'e.detained',
  'e.detained_qualifier',
  'e.authorised',
  'e.subject',
  'e.organisers',
  'e.status',
  'e.sensitive',
  'e.published_at',
] as const

/** The event columns every public output may draw from (redaction still applies). */
export const eventColumns = [
  'e.id',
  'e.title',
  'e.summary',
  'e.type_id',
  'e.region_id',
  'e.country_id',
  ...eventFactColumns,
] as const

/**
 * Events as `e` with their type as `t`, their region as `r` and country as `c` (vocabulary terms), for reads that
 * want codes or labels rather than ids. Filters nothing: public reads add `wherePublic`.
 */
export function eventsWithTerms(db: Db) {
  return db
    .selectFrom('chronicle_events as e')
    .leftJoin('vocab_terms as t', 't.id', 'e.type_id')
    .leftJoin('vocab_terms as r', 'r.id', 'e.region_id')
    .leftJoin('vocab_terms as c', 'c.id', 'e.country_id')
}

/** A published event as read for public output. */
export type PublicEventRow = NonNullable<Awaited<ReturnType<typeof publicEvent>>>

/** A place in the list's order: an event's public date (null for undated ones) and id. */
export type Anchor = { date: string | null; id: number }

/**
 * One page of the list and its neighbours' cursors (null when there is none). A cursor is only an
 * event id: the date it stands for is looked up here, so a link never carries the exact day of a
 * sensitive event that happens to end a page.
 */
export type EventPage = { rows: PublicEventRow[]; newer: number | null; older: number | null }

async function anchorOf(db: Db, id: number): Promise<Anchor | null> {
  const row = await db
    .selectFrom('chronicle_events')
    .select(['id', 'public_date'])
    .where('id', '=', id)
    .where('published_at', 'is not', null)
    .executeTakeFirst()
  return row ? { date: row.public_date, id: row.id } : null
}

/**
 * One page of published events matching the filter, newest first, after (older than) or before
 * (newer than) the event with a given id. Keyset only: each page reads `limit + 1` rows off an index
 * whatever its depth. Undated events come after all dated ones, in a second segment ordered by id.
 * A cursor whose event is gone (unpublished since) starts again from the top.
 */
export async function listEvents(
  db: Db,
  filter: ResolvedFilter,
  position: { after?: number; before?: number },
  limit = 50,
): Promise<EventPage> {
  const want = limit + 1
  const before = position.before ? await anchorOf(db, position.before) : null
  const after = !before && position.after ? await anchorOf(db, position.after) : null

  if (before) {
    // Newer rows, read in ascending order from the cursor, then turned back.
    const read = stretchReader(db, filter)
    let anchors: Anchor[]
    if (before.date === null) {
      anchors = await read({ dated: false, direction: 'asc', from: before }, want)
      if (anchors.length < want)
        anchors = anchors.concat(
          await read({ dated: true, direction: 'asc', from: null }, want - anchors.length),
        )
    } else {
      anchors = await read({ dated: true, direction: 'asc', from: before }, want)
    }
    const page = (await eventsByAnchor(db, anchors.slice(0, limit))).reverse()
    return {
      rows: page,
      newer: anchors.length > limit && page[0] ? page[0].id : null,
      older: page.length ? page[page.length - 1]!.id : null,
    }
  }

  const anchors = await newestFirst(db, filter, after, want)
  const page = await eventsByAnchor(db, anchors.slice(0, limit))
  return {
    rows: page,
    newer: after && page[0] ? page[0].id : null,
    older: anchors.length > limit ? page[page.length - 1]!.id : null,
  }
}

/** The public rows of the events at `anchors`, in their order. */
async function eventsByAnchor(db: Db, anchors: Anchor[]): Promise<PublicEventRow[]> {
  if (!anchors.length) return []
  const rows = await db
    .selectFrom('chronicle_events as e')
    .select(eventColumns)
    .where(
      'e.id',
      'in',
      anchors.map((anchor) => anchor.id),
    )
    .execute()
  const byId = new Map(rows.map((row) => [row.id, row]))
  return anchors.flatMap((anchor) => byId.get(anchor.id) ?? [])
}

/**
 * The first `want` places of the list's order after `after` (from the top when null): dated events by
 * (public date, id) descending, then undated ones by id descending. The public list and the API page
 * through this one reading, so a search is as fast in one as in the other.
 */
export async function newestFirst(
  db: Db,
  filter: ResolvedFilter,
  after: Anchor | null,
  want: number,
): Promise<Anchor[]> {
  const read = stretchReader(db, filter)
  let anchors: Anchor[] = []
  if (!after || after.date !== null)
    anchors = await read({ dated: true, direction: 'desc', from: after }, want)
  if (anchors.length < want) {
    const from = after && after.date === null ? after : null
    anchors = anchors.concat(await read({ dated: false, direction: 'desc', from }, want - anchors.length))
  }
  return anchors
}

/**
 * A stretch of the list's order: the dated segment by (public date, id) or the undated one by id, in
 * one direction, strictly beyond an anchor (or from the segment's start).
 */
type Stretch = { dated: boolean; direction: 'asc' | 'desc'; from: Anchor | null }

/**
 * Reads the first places of a stretch for the filter. With a search, a common word's rows come from a
 * walk of the date order (see search.ts), else from the GIN index: the list's order is then given by
 * expressions no index provides (`+ 0`), so the planner can't choose an unbounded walk for a rare word.
 */
function stretchReader(db: Db, filter: ResolvedFilter) {
  let walk: Promise<number | null> | null = null
  const ordered = (f: ResolvedFilter, stretch: Stretch, byIndex: boolean) => {
    let query = wherePublic(db.selectFrom('chronicle_events as e').select(['e.id', 'e.public_date']), f)
    const { direction, from } = stretch
    const cmp = direction === 'asc' ? sql`>` : sql`<`
    const key = (column: 'e.public_date' | 'e.id') =>
      byIndex ? sql.ref(column) : sql`${sql.ref(column)} + 0`
    if (stretch.dated) {
      query = query.where('e.public_date', 'is not', null)
      if (from?.date)
        query = query.where(
          sql<boolean>`(e.public_date, e.id) ${cmp} (${from.date}::date, ${from.id}::bigint)`,
        )
      query = query.orderBy(key('e.public_date'), direction)
    } else {
      query = query.where('e.public_date', 'is', null)
      if (from) query = query.where('e.id', direction === 'asc' ? '>' : '<', from.id)
    }
    return query.orderBy(key('e.id'), direction)
  }
  const anchors = (rows: { id: number; public_date: string | null }[]): Anchor[] =>
    rows.map((row) => ({ date: row.public_date, id: row.id }))
  return async (stretch: Stretch, want: number): Promise<Anchor[]> => {
    if (!filter.q) return anchors(await ordered(filter, stretch, true).limit(want).execute())
    walk ??= walkBudget(db, filter, want)
    const budget = await walk
    const found = budget
      ? await walkIds(db, ordered({ ...filter, q: null }, stretch, true), filter.q, want, budget)
      : null
    return anchors(found ?? (await ordered(filter, stretch, false).limit(want).execute()))
  }
}

/** Whether more than `n` published events match; reads at most n + 1 rows, never counts them all. */
export async function moreThan(db: Db, filter: ResolvedFilter, n: number): Promise<boolean> {
  const row = await wherePublic(db.selectFrom('chronicle_events as e').select('e.id'), filter)
    .offset(n)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/** Search highlights of one event: title and an excerpt of the summary, each with its language. */
export type Highlight = {
  title: string | null
  titleLang: string | null
  summary: string | null
  summaryLang: string | null
}

// ts_headline marks matches with these; they are stripped from the text first, so after escaping
// the text, the only ones left are the marks (turned into <mark> by present.ts `highlightHtml`).
const marks = sql`'StartSel=' || chr(1) || ', StopSel=' || chr(2)`

/**
 * Highlighted title and summary excerpt for each event of a page, in the first of `languages` each
 * has text in, parsed with that language's configuration (Ukrainian has none: 'simple').
 */
export async function highlights(
  db: Db,
  ids: number[],
  q: string,
  languages: readonly string[],
): Promise<Map<number, Highlight>> {
  if (!ids.length) return new Map()
  const pick = (column: string) =>
    sql.join(
      languages.map((lang) => sql`WHEN coalesce(${sql.ref(column)}->>${lang}, '') <> '' THEN ${lang}`),
      sql` `,
    )
  const config = (lang: string) =>
    sql`(CASE ${sql.ref(lang)} WHEN 'ru' THEN 'russian' WHEN 'en' THEN 'english' ELSE 'simple' END)::regconfig`
  const clean = (column: string, lang: string) =>
    sql`translate(${sql.ref(column)}->>${sql.ref(lang)}, chr(1) || chr(2), '')`
  const { rows } = await sql<{
    id: number
    title_lang: string | null
    summary_lang: string | null
    title: string | null
    summary: string | null
  }>`
    SELECT x.id, x.title_lang, x.summary_lang,
      ts_headline(${config('x.title_lang')}, ${clean('x.title', 'x.title_lang')}, s.q, ${marks} || ', HighlightAll=true') AS title,
      ts_headline(${config('x.summary_lang')}, ${clean('x.summary', 'x.summary_lang')}, s.q,
        ${marks} || ', MaxWords=40, MinWords=20, MaxFragments=2, FragmentDelimiter=" … "') AS summary
    FROM (
      SELECT id, title, summary,
        CASE ${pick('title')} END AS title_lang,
        CASE ${pick('summary')} END AS summary_lang
      FROM chronicle_events WHERE id IN (${sql.join(ids)}) AND published_at IS NOT NULL
    ) x, (SELECT ${searchQuery(q)} AS q) s`.execute(db)
  return new Map(
    rows.map((row) => [
      row.id,
      { title: row.title, titleLang: row.title_lang, summary: row.summary, summaryLang: row.summary_lang },
    ]),
  )
}

/** A published event by id, or undefined. */
export function publicEvent(db: Db, id: number) {
  return db
    .selectFrom('chronicle_events as e')
    .select(eventColumns)
    .where('e.id', '=', id)
    .where('e.published_at', 'is not', null)
    .executeTakeFirst()
}
