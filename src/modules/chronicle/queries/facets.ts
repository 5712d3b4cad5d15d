/**
 * The public list's facet counts: how many events each type, region, country, status and article would give.
 * Each facet's counts apply every filter but its own, so its other values stay choosable.
 *
 * Types, regions and statuses come from one pass over counts per (type, region, status): the
 * maintained rollups whenever they can answer the filter (see rollups.ts), else a GROUP BY over the
 * events — at most `facetScope` of them: a search for a common word or a range of days in a busy
 * month can select hundreds of thousands, and the page then shows no counts (facetCounts is null).
 * A search's matches are read through the GIN index one by one, in no order the disk likes, so its
 * scope is smaller than a range of days'.
 * Articles come from the article rollup likewise; when it can't answer, they are counted over the
 * events the other filters select, and only when those are few enough (`ARTICLE_FACET_SCOPE`).
 */
import { sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import { moreThan } from './events.ts'
import { type ResolvedFilter, wherePublic } from './filters.ts'
import { countsByArticle, rollupAnswers, rollupRows } from './rollups.ts'
import { estimateMatches } from './search.ts'

/** A published event's status. */
export type PublicStatus = 'verified' | 'disputed'

/** Counts for the filter form: the total, and per type, region, status and article (ids; 0 = none). */
export type Facets = {
  total: number
  types: Map<number, number>
  regions: Map<number, number>
  /** Per country (0: events with no place). */
  countries: Map<number, number>
  statuses: Map<PublicStatus, number>
  /** Null when the events the other filters select are too many to count by article quickly. */
  articles: Map<number, number> | null
}

// More distinct (type, region, status) cells than any real vocabulary holds; a guard, not a limit in use.
const CELL_LIMIT = 20_000
/** Facet values shown per facet, the biggest first. */
export const FACET_LIMIT = 100
/** The most events the article facet is counted over. */
export const ARTICLE_FACET_SCOPE = 5_000
/** The most events facets are counted over when the rollups can't answer; above it there are none. */
export const FACET_SCAN_SCOPE = 10_000
/** The same for a search. */
export const SEARCH_FACET_SCOPE = 2_000

/** The most events facets are counted over for a filter (with or without a search). */
export function facetScope(filter: { q?: string | null }): number {
  return filter.q ? SEARCH_FACET_SCOPE : FACET_SCAN_SCOPE
}

/** Facet counts for a filter, or null when they would take counting more than `facetScope` events. */
export async function facetCounts(db: Db, filter: ResolvedFilter): Promise<Facets | null> {
  // When the rollups answer the article facet, it needs nothing from the cells: both are read at once.
  const early = rollupAnswers({ ...filter, articleIds: null }) ? articleCounts(db, filter, null) : null
  early?.catch(() => {})
  // Events plainly too many to count: the planner's estimate spares reading the scope's worth first.
  // A range of days is estimated closely (from the dates' histogram), a word's matches more roughly.
  const scope = facetScope(filter)
  const fromRollups = rollupAnswers(filter)
  const others = { ...filter, typeIds: null, regionIds: null, countryIds: null, statuses: null }
  if (!fromRollups && (await estimateMatches(db, others)) > scope * (filter.q ? 2 : 1)) return null
  const cells = fromRollups
    ? await rollupCells(db, filter)
    : await scannedCells(db, filter, { limit: scope + 1 })
  if (!fromRollups && cells.reduce((sum, cell) => sum + cell.n, 0) > scope) return null
  const types = new Map<number, number>()
  const regions = new Map<number, number>()
  const countries = new Map<number, number>()
  const statuses = new Map<PublicStatus, number>()
  let total = 0
  const typeOk = (id: number) => !filter.typeIds || filter.typeIds.includes(id)
  const regionOk = (id: number) => !filter.regionIds || filter.regionIds.includes(id)
  const countryOk = (id: number) => !filter.countryIds || filter.countryIds.includes(id)
  const statusOk = (status: PublicStatus) => !filter.statuses || filter.statuses.includes(status)
  const add = (map: Map<number, number>, key: number, n: number) => map.set(key, (map.get(key) ?? 0) + n)
  for (const { type_id, region_id, country_id, status, n } of cells) {
    const [type, region, country, state] = [
      typeOk(type_id),
      regionOk(region_id),
      countryOk(country_id),
      statusOk(status),
    ]
    if (region && country && state) add(types, type_id, n)
    if (type && country && state) add(regions, region_id, n)
    if (type && region && state) add(countries, country_id, n)
    if (type && region && country) statuses.set(status, (statuses.get(status) ?? 0) + n)
    if (type && region && country && state) total += n
  }
  // Without an article chosen, the other facets' total is the size of the article facet's scope.
  const articles = await (early ?? articleCounts(db, filter, filter.articleIds ? null : total))
  return {
    total,
    types: topValues(types),
    regions: topValues(regions),
    // Every country counts: there are fewer than FACET_LIMIT × 3, and the list beside the map wants all.
    countries: topValues(countries, Number.POSITIVE_INFINITY),
    statuses,
    articles: articles && topValues(articles),
  }
}

function topValues<K>(counts: Map<K, number>, limit = FACET_LIMIT): Map<K, number> {
  return new Map(
    [...counts]
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit),
  )
}

type Cell = { type_id: number; region_id: number; country_id: number; status: PublicStatus; n: number }

async function rollupCells(db: Db, filter: ResolvedFilter): Promise<Cell[]> {
  const rows = rollupRows(db, filter)
    .select(['r.type_id', 'r.region_id', 'r.country_id', 'r.status', sql<number>`sum(r.events)::int`.as('n')])
    .groupBy(['r.type_id', 'r.region_id', 'r.country_id', 'r.status'])
    .having(sql<boolean>`sum(r.events) > 0`)
    .limit(CELL_LIMIT)
    .execute()
  if (filter.from || filter.to) return rows
  // The rollups count dated events only; undated ones are few and counted directly, meanwhile.
  const [dated, undated] = await Promise.all([rows, scannedCells(db, filter, { undated: true })])
  return dated.concat(undated)
}

// Counts per cell over the events the filter selects (all filters but type, region and status);
// with `limit`, over at most that many of them, so a caller can tell "too many" at bounded cost.
async function scannedCells(
  db: Db,
  filter: ResolvedFilter,
  options: { undated?: boolean; limit?: number } = {},
): Promise<Cell[]> {
  const others: ResolvedFilter = {
    ...filter,
    typeIds: null,
    regionIds: null,
    countryIds: null,
    statuses: null,
  }
  let events = wherePublic(db.selectFrom('chronicle_events as e'), others).select([
    sql<number>`coalesce(e.type_id, 0)`.as('type_id'),
    sql<number>`coalesce(e.region_id, 0)`.as('region_id'),
    sql<number>`coalesce(e.country_id, 0)`.as('country_id'),
    sql<PublicStatus>`e.status`.as('status'),
  ])
  if (options.undated) events = events.where('e.public_date', 'is', null)
  if (options.limit) events = events.limit(options.limit)
  return db
    .selectFrom(events.as('c'))
    .select(['c.type_id', 'c.region_id', 'c.country_id', 'c.status', sql<number>`count(*)::int`.as('n')])
    .groupBy(['c.type_id', 'c.region_id', 'c.country_id', 'c.status'])
    .limit(CELL_LIMIT)
    .execute()
}

/**
 * Events per article among those every filter but the article one selects (each event once per
 * article, however many acts or cases name it): from the article rollup when it can answer, else
 * counted, or null when the events are more than ARTICLE_FACET_SCOPE. `scope` is their number when
 * already known.
 */
async function articleCounts(
  db: Db,
  filter: ResolvedFilter,
  scope: number | null,
): Promise<Map<number, number> | null> {
  const others: ResolvedFilter = { ...filter, articleIds: null }
  if (!rollupAnswers(others)) {
    const tooMany =
      scope === null ? await moreThan(db, others, ARTICLE_FACET_SCOPE) : scope > ARTICLE_FACET_SCOPE
    if (tooMany) return null
  }
  const rows = await countsByArticle(db, others)
  return new Map(rows.map((row) => [row.article_id, row.events]))
}
