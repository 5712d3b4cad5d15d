/**
 * The filter every public view of the chronicle shares (list, API, feeds, statistics, exports), so a
 * count on the statistics page and a row count of the export of the same filter always agree.
 */
import { type SelectQueryBuilder, sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import type { Database } from '../../../platform/db/tables.ts'
import { termIndex } from '../../../platform/vocabularies/queries.ts'
import type { Vocabulary } from '../../../platform/vocabularies/terms.ts'
import { type EventFilter, rangeEnd, rangeStart } from '../schema/filter.ts'

/** Vocabulary ids by code, as the filter needs them. */
export async function termIds(
  db: Db,
  vocabulary: Vocabulary,
  codes: string[] | undefined,
): Promise<number[] | null> {
  if (!codes?.length) return null
  const index = await termIndex(db)
  const ids = [...new Set(codes.flatMap((code) => index.id(vocabulary, code) ?? []))]
  // Unknown codes match nothing (rather than being ignored, which would widen the filter).
  return ids.length ? ids : [-1]
}

/** The filter with codes resolved to ids, ready for `wherePublic`. */
export type ResolvedFilter = {
  q: string | null
  typeIds: number[] | null
  regionIds: number[] | null
  countryIds: number[] | null
  articleIds: number[] | null
  statuses: ('verified' | 'disputed')[] | null
  from: string | null
  to: string | null
}

/** Resolves a parsed filter's vocabulary codes. */
export async function resolveFilter(db: Db, filter: EventFilter): Promise<ResolvedFilter> {
  return {
    q: filter.q || null,
    typeIds: await termIds(db, 'event_type', filter.type),
    regionIds: await termIds(db, 'region', filter.region),
    // Codes are upper case (ISO 3166-1); a link typed as ?country=by still finds Belarus.
    countryIds: await termIds(
      db,
      'country',
      filter.country?.map((code) => code.toUpperCase()),
    ),
    articleIds: await termIds(db, 'article', filter.article),
    statuses: filter.status?.length ? filter.status : null,
    from: rangeStart(filter.from),
    to: rangeEnd(filter.to),
  }
}

/**
 * The search query for `q` in the three languages: Russian and English by PostgreSQL's stemmers,
 * Ukrainian by the light stemmer the search vector uses (see the Ukrainian stems migration).
 */
export function searchQuery(q: string) {
  const [ru, en, uk] = languageQueries(q)
  return sql`(${ru} || ${en} || ${uk})`
}

/** The search query's three parts, one per language (the planner estimates each better than their OR). */
export function languageQueries(q: string) {
  return [
    sql`websearch_to_tsquery('russian', ${q})`,
    sql`websearch_to_tsquery('english', ${q})`,
    sql`websearch_to_tsquery('simple', chronicle_uk_stems(${q}))`,
  ] as const
}

/** Whether a range is whole months (or open at that end): what the monthly rollup can answer. */
export function wholeMonths(filter: ResolvedFilter): boolean {
  const startsMonth = !filter.from || filter.from.endsWith('-01')
  const endsMonth = !filter.to || filter.to === rangeEnd(filter.to.slice(0, 7))
  return startsMonth && endsMonth
}

/**
 * Adds the filter to a query over published events (`chronicle_events` as `e`). A date range matches
 * `public_date`, the date public outputs show and sort by, where a sensitive event's day is blurred
 * to the 1st of its month (see the public-date migration): matched by its true day, a sensitive event
 * would appear and vanish as a range is narrowed day by day, and so give its day away.
 */
export function wherePublic<O>(
  query: SelectQueryBuilder<Database & { e: Database['chronicle_events'] }, 'e', O>,
  filter: ResolvedFilter,
) {
  let q = query.where('e.published_at', 'is not', null)
  if (filter.typeIds) q = q.where('e.type_id', 'in', filter.typeIds)
  if (filter.regionIds) q = q.where('e.region_id', 'in', filter.regionIds)
  if (filter.countryIds) q = q.where('e.country_id', 'in', filter.countryIds)
  if (filter.statuses) q = q.where('e.status', 'in', filter.statuses)
  if (filter.from) q = q.where('e.public_date', '>=', filter.from)
  if (filter.to) q = q.where('e.public_date', '<=', filter.to)
  if (filter.q) q = q.where(sql<boolean>`e.search @@ ${searchQuery(filter.q)}`)
  // Each event keeps its articles (through acts and cases) in article_ids, indexed, kept by triggers.
  if (filter.articleIds) q = q.where(sql<boolean>`e.article_ids && ${filter.articleIds}::int[]`)
  return q
}
