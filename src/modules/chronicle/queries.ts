/**
 * Reads behind the public chronicle: the list (keyset pages over `(start_date, id)`, newest first,
 * undated events last), facet counts, search highlights and the permalinks' records. Only published
 * events are read, always through filters.ts; what leaves here still goes through present.ts.
 */
import { type SelectQueryBuilder, sql } from 'kysely'
import type { Db } from '../../platform/db/database.ts'
import type { Database } from '../../platform/db/tables.ts'
import { type ResolvedFilter, searchQuery, whereFilter } from './filters.ts'
import type { Term, TermIndex } from './present.ts'

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
  'e.detained',
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
  ...eventFactColumns,
] as const

/** A published event as read for public output. */
export type EventRow = NonNullable<Awaited<ReturnType<typeof publicEvent>>>

/** Every vocabulary term by id (a few hundred rows), for labels and filter options. */
export async function loadTerms(db: Db): Promise<TermIndex> {
  const rows = await db
    .selectFrom('vocab_terms')
    .select(['id', 'vocabulary', 'code', 'labels', 'extra', 'status'])
    .orderBy('vocabulary')
    .orderBy('code')
    .execute()
  return new Map(rows.map((row): [number, Term] => [row.id, row]))
}

/** A place in the list's order: an event's start date (null for undated ones) and id. */
type Anchor = { date: string | null; id: number }

/**
 * One page of the list and its neighbours' cursors (null when there is none). A cursor is only an
 * event id: the date it stands for is looked up here, so a link never carries the exact day of a
 * sensitive event that happens to end a page.
 */
export type EventPage = { rows: EventRow[]; newer: number | null; older: number | null }

async function anchorOf(db: Db, id: number): Promise<Anchor | null> {
  const row = await db
    .selectFrom('chronicle_events')
    .select(['id', 'public_date'])
    .where('id', '=', id)
    .where('published_at', 'is not', null)
    .executeTakeFirst()
  return row ? { date: row.public_date, id: row.id } : null
}

// Whether a range bound falls on a month's first (for `from`) or last (for `to`) day.
const monthStart = (day: string | null) => !day || day.endsWith('-01')
function monthEnd(day: string | null): boolean {
  if (!day) return true
  const next = new Date(`${day}T00:00:00Z`)
  next.setUTCDate(next.getUTCDate() + 1)
  return next.getUTCDate() === 1
}

/**
 * The filter as whereFilter applies it, except the date range for sensitive events: those match by
 * their blurred date (the month), so narrowing the range day by day can't reveal their exact day.
 * A range of whole months is the same either way and stays a plain index range.
 */
export function wherePublic<O>(
  query: SelectQueryBuilder<Database & { e: Database['chronicle_events'] }, 'e', O>,
  filter: ResolvedFilter,
) {
  const aligned = monthStart(filter.from) && monthEnd(filter.to)
  if (aligned) return whereFilter(query, filter)
  const { from, to } = filter
  const blurredFrom = from && !monthStart(from) ? nextMonth(from) : from
  const blurredTo = to ? endOfMonth(to) : null
  return whereFilter(query, { ...filter, from: null, to: null }).where(({ and, or, eb }) =>
    or([
      and([
        eb('e.sensitive', '=', false),
        ...(from ? [eb('e.start_date', '>=', from)] : []),
        ...(to ? [eb('e.start_date', '<=', to)] : []),
      ]),
      and([
        eb('e.sensitive', '=', true),
        ...(blurredFrom ? [eb('e.start_date', '>=', blurredFrom)] : []),
        ...(blurredTo ? [eb('e.start_date', '<=', blurredTo)] : []),
      ]),
    ]),
  )
}

function nextMonth(day: string): string {
  const date = new Date(`${day.slice(0, 7)}-01T00:00:00Z`)
  date.setUTCMonth(date.getUTCMonth() + 1)
  return date.toISOString().slice(0, 10)
}

function endOfMonth(day: string): string {
  const date = new Date(`${nextMonth(day)}T00:00:00Z`)
  date.setUTCDate(0)
  return date.toISOString().slice(0, 10)
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
  const base = () => wherePublic(db.selectFrom('chronicle_events as e').select(eventColumns), filter)
  const dated = () => base().where('e.start_date', 'is not', null)
  const undated = () => base().where('e.start_date', 'is', null)
  const want = limit + 1
  const before = position.before ? await anchorOf(db, position.before) : null
  const after = !before && position.after ? await anchorOf(db, position.after) : null

  if (before) {
    // Newer rows, read in ascending order from the cursor, then turned back.
    let rows: EventRow[]
    if (before.date === null) {
      rows = await undated().where('e.id', '>', before.id).orderBy('e.id', 'asc').limit(want).execute()
      if (rows.length < want) {
        const more = await dated()
          .orderBy('e.public_date', 'asc')
          .orderBy('e.id', 'asc')
          .limit(want - rows.length)
          .execute()
        rows = rows.concat(more)
      }
    } else {
      rows = await dated()
        .where(sql<boolean>`(e.public_date, e.id) > (${before.date}::date, ${before.id}::bigint)`)
        .orderBy('e.public_date', 'asc')
        .orderBy('e.id', 'asc')
        .limit(want)
        .execute()
    }
    const page = rows.slice(0, limit).reverse()
    return {
      rows: page,
      newer: rows.length > limit && page[0] ? page[0].id : null,
      older: page.length ? page[page.length - 1]!.id : null,
    }
  }

  let rows: EventRow[] = []
  if (!after || after.date !== null) {
    let query = dated()
    if (after)
      query = query.where(sql<boolean>`(e.public_date, e.id) < (${after.date}::date, ${after.id}::bigint)`)
    rows = await query.orderBy('e.public_date', 'desc').orderBy('e.id', 'desc').limit(want).execute()
  }
  if (rows.length < want) {
    let query = undated()
    if (after && after.date === null) query = query.where('e.id', '<', after.id)
    rows = rows.concat(
      await query
        .orderBy('e.id', 'desc')
        .limit(want - rows.length)
        .execute(),
    )
  }
  const page = rows.slice(0, limit)
  return {
    rows: page,
    newer: after && page[0] ? page[0].id : null,
    older: rows.length > limit ? page[page.length - 1]!.id : null,
  }
}

/** Counts for the filter form: the total, and per type and per region (ids; 0 = none). */
export type Facets = { total: number; types: Map<number, number>; regions: Map<number, number> }

// More distinct (type, region) pairs than any real vocabulary holds; a guard, not a limit in use.
const PAIR_LIMIT = 20_000
/** Facet values shown per facet, the biggest first. */
export const FACET_LIMIT = 100

/**
 * Facet counts for a filter. A type's count applies every filter but the type one (so the other
 * types stay choosable), a region's every filter but the region one. One pass reads counts per
 * (type, region) pair: from the maintained monthly rollup when the filter is only types, regions
 * and whole months, else by a GROUP BY over the events the other filters select.
 */
export async function facetCounts(db: Db, filter: ResolvedFilter): Promise<Facets> {
  const pairs = usesRollup(filter) ? await rollupPairs(db, filter) : await scannedPairs(db, filter)
  const types = new Map<number, number>()
  const regions = new Map<number, number>()
  let total = 0
  const typeOk = (id: number) => !filter.typeIds || filter.typeIds.includes(id)
  const regionOk = (id: number) => !filter.regionIds || filter.regionIds.includes(id)
  for (const { type_id, region_id, n } of pairs) {
    if (regionOk(region_id)) types.set(type_id, (types.get(type_id) ?? 0) + n)
    if (typeOk(type_id)) regions.set(region_id, (regions.get(region_id) ?? 0) + n)
    if (typeOk(type_id) && regionOk(region_id)) total += n
  }
  return { total, types: topValues(types), regions: topValues(regions) }
}

function topValues(counts: Map<number, number>): Map<number, number> {
  return new Map(
    [...counts]
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, FACET_LIMIT),
  )
}

function usesRollup(filter: ResolvedFilter): boolean {
  return !filter.q && !filter.articleIds && !filter.statuses && monthStart(filter.from) && monthEnd(filter.to)
}

type Pair = { type_id: number; region_id: number; n: number }

async function rollupPairs(db: Db, filter: ResolvedFilter): Promise<Pair[]> {
  let query = db
    .selectFrom('chronicle_rollup')
    .select(['type_id', 'region_id', sql<number>`sum(events)::int`.as('n')])
    .groupBy(['type_id', 'region_id'])
    .having(sql<boolean>`sum(events) > 0`)
    .limit(PAIR_LIMIT)
  if (filter.from) query = query.where('month', '>=', filter.from)
  if (filter.to) query = query.where('month', '<=', `${filter.to.slice(0, 7)}-01`)
  const rows = await query.execute()
  if (filter.from || filter.to) return rows
  // The rollup counts dated events only; undated ones are few and counted directly.
  const undated = await db
    .selectFrom('chronicle_events')
    .select([
      sql<number>`coalesce(type_id, 0)`.as('type_id'),
      sql<number>`coalesce(region_id, 0)`.as('region_id'),
      sql<number>`count(*)::int`.as('n'),
    ])
    .where('published_at', 'is not', null)
    .where('start_date', 'is', null)
    .groupBy(['type_id', 'region_id'])
    .limit(PAIR_LIMIT)
    .execute()
  return rows.concat(undated)
}

async function scannedPairs(db: Db, filter: ResolvedFilter): Promise<Pair[]> {
  const others: ResolvedFilter = { ...filter, typeIds: null, regionIds: null }
  return wherePublic(db.selectFrom('chronicle_events as e'), others)
    .select([
      sql<number>`coalesce(e.type_id, 0)`.as('type_id'),
      sql<number>`coalesce(e.region_id, 0)`.as('region_id'),
      sql<number>`count(*)::int`.as('n'),
    ])
    .groupBy([sql`1`, sql`2`])
    .limit(PAIR_LIMIT)
    .execute()
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
