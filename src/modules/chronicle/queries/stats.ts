/**
 * The chronicle's statistics: published events and people detained, by month, region, country, type and
 * article, for any public filter. The page, its CSV files and the JSON API all read `computeStats`,
 * so their figures can't disagree.
 *
 * Every breakdown comes from the maintained rollups (see rollups.ts) whenever they can answer the
 * filter: regions, types, statuses, whole months and at most one article. Any other filter — a
 * search, several articles, a range that starts or ends mid-month — falls back to a GROUP BY over
 * `chronicle_events`, which is exact but scans every matching event.
 */
import { type Expression, type SqlBool, sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import type { Localised } from '../../../platform/localised.ts'
import { termIndex } from '../../../platform/vocabularies/queries.ts'
import type { Term, TermExtra } from '../../../platform/vocabularies/terms.ts'
import type { EventFilter } from '../schema/filter.ts'
import { type ResolvedFilter, wherePublic } from './filters.ts'
import { countsByArticle, inCells, rollupAnswers, rollupRows } from './rollups.ts'

/** What is counted: events, and the people detained in them. */
export type Counts = { events: number; detained: number }

/** One bar: a vocabulary term (null: the event names none) and its counts. */
export type TermCount = Counts & { code: string | null; labels: Localised; extra?: TermExtra }

/** One month (YYYY-MM; null: events whose date is unknown) and its counts. */
export type MonthCount = Counts & { month: string | null }

/** Every breakdown of one filter. Articles overlap: an event with two articles counts under each. */
export type Stats = {
  /** Where month, region and type came from; for tests and the benchmark, never shown. */
  source: 'rollup' | 'events'
  totals: Counts
  byMonth: MonthCount[]
  byRegion: TermCount[]
  /** By country (null: events with no place); regions of every country are in byRegion. */
  byCountry: TermCount[]
  byType: TermCount[]
  byArticle: TermCount[]
  /**
   * Of the events counted, how many give the number detained as a lower bound ("1000+") or an
   * estimate ("около 200"): the total detained is then itself at least that much, not exactly.
   */
  detainedQualified: { atLeast: number; about: number }
}

/** The breakdowns, by name, as CSV paths and JSON keys use them. */
export const breakdowns = ['month', 'region', 'country', 'type', 'article'] as const
/** One of `breakdowns`. */
export type Breakdown = (typeof breakdowns)[number]

/** Published events matching the filter, as `e` (dates match the public date, see filters.ts). */
function filteredEvents(db: Db, filter: ResolvedFilter) {
  return wherePublic(db.selectFrom('chronicle_events as e'), filter)
}

type GroupRow = {
  kind: 'month' | 'region' | 'country' | 'type' | 'total'
  month: string | null
  region_id: number | null
  country_id: number | null
  type_id: number | null
  events: number | string
  detained: number | string
}

// One pass computes all three breakdowns and the total: GROUPING SETS, grouping() names the set.
const kindOf = (month: Expression<unknown>) => sql<GroupRow['kind']>`CASE
  WHEN grouping(${month}) = 0 THEN 'month' WHEN grouping(region_id) = 0 THEN 'region'
  WHEN grouping(country_id) = 0 THEN 'country' WHEN grouping(type_id) = 0 THEN 'type' ELSE 'total' END`

async function fromRollup(db: Db, filter: ResolvedFilter): Promise<GroupRow[]> {
  const query = rollupRows(db, filter)
    .select([
      kindOf(sql`r.month`).as('kind'),
      sql<string | null>`to_char(r.month, 'YYYY-MM')`.as('month'),
      sql<number>`nullif(r.region_id, 0)`.as('region_id'),
      sql<number>`nullif(r.country_id, 0)`.as('country_id'),
      sql<number>`nullif(r.type_id, 0)`.as('type_id'),
      sql<string>`sum(r.events)`.as('events'),
      sql<string>`sum(r.detained)`.as('detained'),
    ])
    .where(inCells(filter))
    .groupBy(sql`GROUPING SETS ((r.month), (r.region_id), (r.country_id), (r.type_id), ())`)
  const rows = await query.execute()
  // Events without a date aren't in the rollup; without a date range, they belong in the figures.
  if (filter.from || filter.to) return rows
  const undated = await fromEvents(db, filter, sql`e.public_date IS NULL`)
  return [...rows, ...undated]
}

async function fromEvents(db: Db, filter: ResolvedFilter, extra?: Expression<unknown>): Promise<GroupRow[]> {
  const month = sql`date_trunc('month', e.start_date)`
  let query = filteredEvents(db, filter)
  if (extra) query = query.where(extra as Expression<SqlBool>)
  return query
    .select([
      kindOf(month).as('kind'),
      sql<string | null>`to_char(${month}, 'YYYY-MM')`.as('month'),
      'e.region_id',
      'e.country_id',
      'e.type_id',
      sql<string>`count(*)`.as('events'),
      sql<string>`coalesce(sum(e.detained), 0)`.as('detained'),
    ])
    .groupBy(sql`GROUPING SETS ((${month}), (e.region_id), (e.country_id), (e.type_id), ())`)
    .execute() as Promise<GroupRow[]>
}

const counts = (row: { events: number | string; detained: number | string | null }): Counts => ({
  events: Number(row.events),
  detained: Number(row.detained ?? 0),
})

/** Adds `b` into `a`. */
function add(a: Counts, b: Counts): Counts {
  return { events: a.events + b.events, detained: a.detained + b.detained }
}

/** Sums rows sharing a key (the rollup and the undated events can both name a region). */
function sumBy<K>(rows: GroupRow[], kind: GroupRow['kind'], key: (row: GroupRow) => K): Map<K, Counts> {
  const sums = new Map<K, Counts>()
  for (const row of rows.filter((r) => r.kind === kind)) {
    const k = key(row)
    sums.set(k, add(sums.get(k) ?? { events: 0, detained: 0 }, counts(row)))
  }
  return sums
}

/** Every month from the first to the last, so a chart's gaps show as empty months. */
function fillMonths(sums: Map<string | null, Counts>): MonthCount[] {
  const known = [...sums.keys()].filter((month): month is string => month !== null).sort()
  const out: MonthCount[] = []
  if (known.length) {
    let [year, month] = known[0]!.split('-').map(Number) as [number, number]
    const last = known.at(-1)!
    for (;;) {
      const key = `${year}-${String(month).padStart(2, '0')}`
      out.push({ month: key, ...(sums.get(key) ?? { events: 0, detained: 0 }) })
      if (key >= last) break
      month += 1
      if (month > 12) [year, month] = [year + 1, 1]
    }
  }
  const undated = sums.get(null)
  if (undated && (undated.events || undated.detained)) out.push({ month: null, ...undated })
  return out
}

const byCount = (a: TermCount, b: TermCount) =>
  b.events - a.events || b.detained - a.detained || String(a.code).localeCompare(String(b.code))

function terms(
  sums: Map<number | null, Counts>,
  vocab: ReadonlyMap<number, { code: string; labels: Localised; extra: TermExtra }>,
) {
  return [...sums]
    .filter(([, c]) => c.events > 0 || c.detained > 0)
    .map(([id, c]): TermCount => {
      const term = id === null ? undefined : vocab.get(id)
      return { code: term?.code ?? null, labels: term?.labels ?? {}, extra: term?.extra ?? {}, ...c }
    })
    .sort(byCount)
}

// Few counts are qualified, and a partial index holds just those (see the count-qualifiers migration),
// so this reads them rather than every matching event.
async function qualifiedCounts(db: Db, filter: ResolvedFilter): Promise<Stats['detainedQualified']> {
  const row = await filteredEvents(db, filter)
    .where(sql<SqlBool>`e.detained_qualifier <> 'exact'`)
    .where('e.detained', 'is not', null)
    .select([
      sql<string>`count(*) FILTER (WHERE e.detained_qualifier = 'at_least')`.as('at_least'),
      sql<string>`count(*) FILTER (WHERE e.detained_qualifier = 'about')`.as('about'),
    ])
    .executeTakeFirst()
  return { atLeast: Number(row?.at_least ?? 0), about: Number(row?.about ?? 0) }
}

/** Computes every breakdown of a resolved filter over published events. */
export async function computeStats(db: Db, filter: ResolvedFilter): Promise<Stats> {
  const source = rollupAnswers(filter) ? 'rollup' : 'events'
  const [rows, articles, detainedQualified] = await Promise.all([
    source === 'rollup' ? fromRollup(db, filter) : fromEvents(db, filter),
    countsByArticle(db, filter),
    qualifiedCounts(db, filter),
  ])
  const regions = sumBy(rows, 'region', (row) => row.region_id)
  const countries = sumBy(rows, 'country', (row) => row.country_id)
  const types = sumBy(rows, 'type', (row) => row.type_id)
  const articleSums = new Map(articles.map((row) => [row.article_id as number | null, counts(row)]))
  const vocab = (await termIndex(db)).byId
  return {
    source,
    totals: sumBy(rows, 'total', () => 'all').get('all') ?? { events: 0, detained: 0 },
    byMonth: fillMonths(sumBy(rows, 'month', (row) => row.month)),
    byRegion: terms(regions, vocab),
    byCountry: terms(countries, vocab),
    byType: terms(types, vocab),
    byArticle: terms(articleSums, vocab),
    detainedQualified,
  }
}

/** The filter as a query string (without `measure`), for links to the CSV and JSON of the same view. */
export function filterQueryString(filter: EventFilter): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filter)) {
    if (key === 'measure' || value === undefined || value === '') continue
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item))
  }
  return params.toString()
}

/** The approved types, regions, countries and articles the statistics form offers (from the platform's term index). */
export async function statsFilterTerms(db: Db): Promise<Term[]> {
  const { byCode } = await termIndex(db)
  return (['event_type', 'region', 'country', 'article'] as const).flatMap((vocabulary) => [
    ...byCode[vocabulary].values(),
  ])
}
