/**
 * Searching a million events quickly on both engines. A common word ("задержаны" is in most events)
 * matches hundreds of thousands of rows: ranking or sorting them all to show the newest 50, or
 * counting them, takes seconds on embedded PGlite. So the newest matches are read by walking the date
 * order with the word as a filter; a rare word, which the walk would seldom meet, is read through the
 * GIN index and sorted (few rows). The choice weighs the rows each would read, from the planner's
 * estimates (see walkBudget), and the walk's answer is exact or not used: the rows and their order
 * are always those of the plain query. Counts above COUNT_EXACT_UP_TO are estimates.
 */
import { type Compilable, CompiledQuery, type SelectQueryBuilder, sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import type { Database } from '../../../platform/db/tables.ts'
import { languageQueries, type ResolvedFilter, searchQuery, wherePublic } from './filters.ts'

/** Rows a date walk reads at most, however common the word. */
export const WALK_LIMIT = 20_000

/** Up to this many matching events are counted; above it, the count is the planner's estimate. */
export const COUNT_EXACT_UP_TO = 1000

/** How many events match a filter, and whether that number is an estimate. */
export type MatchCount = { count: number; estimated: boolean }

type EventQuery<O> = SelectQueryBuilder<Database & { e: Database['chronicle_events'] }, 'e', O>

/** How long a planner's estimate is reused: a search page asks for the same ones up to three times. */
const ESTIMATE_KEPT_MS = 1000
const ESTIMATES_KEPT = 1000
const estimates = new WeakMap<Db, Map<string, { at: number; rows: Promise<number> }>>()

/** The planner's estimate of the rows a query returns (no rows are read), reused for a second. */
export function plannedRows(db: Db, query: Compilable): Promise<number> {
  const compiled = query.compile()
  const key = JSON.stringify([compiled.sql, compiled.parameters])
  let kept = estimates.get(db)
  if (!kept) {
    kept = new Map()
    estimates.set(db, kept)
  }
  const now = Date.now()
  const found = kept.get(key)
  if (found && now - found.at < ESTIMATE_KEPT_MS) return found.rows
  if (kept.size >= ESTIMATES_KEPT) kept.clear()
  const rows = db
    .executeQuery<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
      CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${compiled.sql}`, [...compiled.parameters]),
    )
    .then(({ rows }) => rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0)
  // A failed EXPLAIN is not kept: the next caller asks again.
  rows.catch(() => kept.get(key)?.rows === rows && kept.delete(key))
  kept.set(key, { at: now, rows })
  return rows
}

/**
 * The planner's estimate of how many published events match the filter. A search is estimated per
 * language and the largest taken: the planner takes the three parts of the OR as independent, so a
 * word that stems alike in all three ('суд' | 'суд' | 'суд') would be counted three times over.
 */
export async function estimateMatches(db: Db, filter: ResolvedFilter): Promise<number> {
  const events = () =>
    wherePublic(db.selectFrom('chronicle_events as e').select('e.id'), { ...filter, q: null })
  if (!filter.q) return plannedRows(db, events())
  const parts = languageQueries(filter.q).map((part) =>
    plannedRows(db, events().where(sql<boolean>`e.search @@ ${part}`)),
  )
  return Math.max(...(await Promise.all(parts)))
}

/**
 * How many rows the date walk may read to find `want` rows of a search, or null when the GIN index
 * should answer. The index reads every match; the walk expects to read `want` divided by the word's
 * share of the events the other filters select. The walk is taken when that is at most half of the
 * matches (and of WALK_LIMIT), and may read as many rows as there are matches: a walk that fails
 * (the word is rarer among the newest events) costs at most what the index then reads again.
 */
export async function walkBudget(db: Db, filter: ResolvedFilter, want: number): Promise<number | null> {
  const [matches, all] = await Promise.all([
    estimateMatches(db, filter),
    estimateMatches(db, { ...filter, q: null }),
  ])
  if (matches <= 0 || all <= 0) return null
  const budget = Math.min(matches, WALK_LIMIT)
  const expected = (want * all) / matches
  return 2 * expected <= budget ? Math.ceil(budget) : null
}

/**
 * The first `want` rows (id and public date) of `ordered` (a query over published events with its
 * keyset order and every filter but the search) that match `q`, read by walking that order for at
 * most `budget` rows; null when the walk met fewer (then only the full query can tell the rest).
 */
export async function walkIds<O>(
  db: Db,
  ordered: EventQuery<O>,
  q: string,
  want: number,
  budget: number,
): Promise<{ id: number; public_date: string | null }[] | null> {
  const walked = ordered.clearSelect().select(['e.id', 'e.public_date', 'e.search']).limit(budget)
  // No ORDER BY outside: a filter over a subquery keeps its order (Subquery Scan → Limit → Index Scan).
  const rows = await db
    .selectFrom(walked.as('w'))
    .select(['w.id', 'w.public_date'])
    .where(sql<boolean>`w.search @@ ${searchQuery(q)}`)
    .limit(want)
    .execute()
  return rows.length === want ? rows : null
}

/**
 * How many published events match the filter: counted up to COUNT_EXACT_UP_TO (reading at most one
 * more), above it the planner's estimate (never below what was seen), rounded to two figures.
 */
export async function countMatches(
  db: Db,
  filter: ResolvedFilter,
  exactUpTo = COUNT_EXACT_UP_TO,
): Promise<MatchCount> {
  const estimate = await estimateMatches(db, filter)
  // An estimate far above the limit is trusted as is: counting even up to it would read the limit's rows.
  if (estimate <= exactUpTo * 4) {
    const capped = wherePublic(db.selectFrom('chronicle_events as e').select('e.id'), filter).limit(
      exactUpTo + 1,
    )
    const row = await db
      .selectFrom(capped.as('c'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const seen = Number(row.n)
    if (seen <= exactUpTo) return { count: seen, estimated: false }
  }
  return { count: roughly(Math.max(estimate, exactUpTo + 1)), estimated: true }
}

/**
 * The estimated number of published events matching a filter already known to match more than
 * `floor` (the facets' scan stopped there, or its estimate spared it), rounded to two figures.
 */
export async function estimateAbove(db: Db, filter: ResolvedFilter, floor: number): Promise<MatchCount> {
  return { count: roughly(Math.max(await estimateMatches(db, filter), floor + 1)), estimated: true }
}

/** A number kept to its two leading figures (331,742 → 330,000), as an estimate deserves. */
export function roughly(n: number): number {
  if (n < 100) return Math.round(n)
  const step = 10 ** (Math.floor(Math.log10(n)) - 1)
  return Math.round(n / step) * step
}
