/**
 * Reads of the maintained rollups, shared by the list's facets and the statistics. Triggers keep
 * published, dated events counted by month × region × type × status in `chronicle_rollup`, and the
 * same once more per article in `chronicle_article_rollup` (from each event's `article_ids`; see the
 * chronicle migrations). A filter of regions, types, statuses, whole months and at most one article
 * is answered from them in a few thousand rows, however many events there are.
 */
import { type SelectQueryBuilder, sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import type { Database } from '../../../platform/db/tables.ts'
import { type ResolvedFilter, wherePublic, wholeMonths } from './filters.ts'

/** Whether the rollups can answer the filter: no search, at most one article, whole months. */
export function rollupAnswers(filter: ResolvedFilter): boolean {
  return !filter.q && (filter.articleIds?.length ?? 0) <= 1 && wholeMonths(filter)
}

type RollupQuery = SelectQueryBuilder<Database & { r: Database['chronicle_rollup'] }, 'r', object>

/**
 * The rollup rows in the filter's months, as `r`: from the article rollup when the filter names an
 * article (counting the events that have it), else from the main one. Types, regions and statuses
 * are left to the caller, which may count them apart (facets) or filter by them (statistics).
 */
export function rollupRows(db: Db, filter: ResolvedFilter): RollupQuery {
  const article = filter.articleIds?.[0]
  // Both tables have the main rollup's columns; the article one adds article_id, chosen here.
  let query =
    article === undefined
      ? db.selectFrom('chronicle_rollup as r')
      : (db
          .selectFrom('chronicle_article_rollup as r')
          .where('r.article_id', '=', article) as unknown as RollupQuery)
  if (filter.from) query = query.where('r.month', '>=', filter.from)
  if (filter.to) query = query.where('r.month', '<=', filter.to)
  return query
}

/** The filter's types, regions, countries and statuses as one condition on a rollup read as `r` (either table). */
export function inCells(filter: ResolvedFilter) {
  const parts = [sql<boolean>`true`]
  if (filter.typeIds) parts.push(sql<boolean>`r.type_id = ANY(${filter.typeIds}::int[])`)
  if (filter.regionIds) parts.push(sql<boolean>`r.region_id = ANY(${filter.regionIds}::int[])`)
  if (filter.countryIds) parts.push(sql<boolean>`r.country_id = ANY(${filter.countryIds}::int[])`)
  if (filter.statuses) parts.push(sql<boolean>`r.status = ANY(${filter.statuses}::text[])`)
  return sql<boolean>`${sql.join(parts, sql` AND `)}`
}

/** Events and people detained under one article. */
export type ArticleCount = { article_id: number; events: number; detained: number }

/**
 * Published events and people detained per article for a filter, each event once under each of its
 * articles. From the article rollup when the filter names no article and the rollups answer it
 * (undated events, which no rollup holds, counted apart); else counted over the matching events.
 */
export async function countsByArticle(db: Db, filter: ResolvedFilter): Promise<ArticleCount[]> {
  const live = (extra?: 'undated') => {
    let query = wherePublic(db.selectFrom('chronicle_events as e'), filter)
    if (extra) query = query.where('e.public_date', 'is', null)
    return query
      .select([
        sql<number>`unnest(e.article_ids)`.as('article_id'),
        sql<number>`count(*)::int`.as('events'),
        sql<number>`coalesce(sum(e.detained), 0)::int8`.as('detained'),
      ])
      .groupBy(sql`1`)
      .execute()
  }
  if (filter.articleIds || !rollupAnswers(filter)) return live()

  let query = db
    .selectFrom('chronicle_article_rollup as r')
    .select([
      'r.article_id',
      sql<number>`sum(r.events)::int`.as('events'),
      sql<number>`sum(r.detained)::int8`.as('detained'),
    ])
    .where(inCells(filter))
    .groupBy('r.article_id')
    .having(sql<boolean>`sum(r.events) > 0`)
  if (filter.from) query = query.where('r.month', '>=', filter.from)
  if (filter.to) query = query.where('r.month', '<=', filter.to)
  if (filter.from || filter.to) return query.execute()
  // The undated events are counted at the same time (on native PostgreSQL, on another connection).
  const [rows, undated] = await Promise.all([query.execute(), live('undated')])
  const sums = new Map(rows.map((row) => [row.article_id, { ...row }]))
  for (const row of undated) {
    const known = sums.get(row.article_id)
    if (known) {
      known.events += row.events
      known.detained += Number(row.detained)
    } else sums.set(row.article_id, row)
  }
  return [...sums.values()]
}
