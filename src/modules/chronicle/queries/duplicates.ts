/**
 * Likely duplicates: events that are probably the same as a given one. The rule, in order:
 * - the dates overlap (each event spans its start to its end, or to the end of the month or year its
 *   precision allows); only events starting within `WINDOW_DAYS` before are looked at, so a long event
 *   that began earlier is missed rather than every event of a year read;
 * - the same region, or none on either side and the same country (Berlin is not Minsk); the type
 *   doesn't contradict (unknown on one side, or the same);
 * - a title or a summary in the same language is similar (pg_trgm's similarity ≥ `MIN_SIMILARITY`).
 * Place and date narrow the rows first (indexes chronicle_events_place_day and _place_span);
 * similarity is computed on the handful left, each text's trigrams made once (see findDuplicates).
 * Merged events are never candidates: their survivor is.
 */
import { type RawBuilder, sql } from 'kysely'
import type { Precision } from '../../../platform/dates/precision.ts'
import type { Db } from '../../../platform/db/database.ts'
import type { Localised } from '../../../platform/localised.ts'

/** How similar two texts must be (trigram similarity, 0 to 1) for the events to look the same. */
export const MIN_SIMILARITY = 0.45
/** How far back from an event's start to look for one that overlaps it. */
export const WINDOW_DAYS = 31
/** How many candidates one event gets, most similar first. */
export const CANDIDATE_LIMIT = 5

/** An event to find duplicates of; `key` tells the probes of one call apart. */
export type DuplicateProbe = {
  key: string
  excludeId: number | null
  typeId: number | null
  regionId: number | null
  /** Compared only where neither event has a region: a town abroad is in its country. */
  countryId: number | null
  locality: string | null
  startDate: string | null
  startPrecision: Precision
  endDate: string | null
  endPrecision: Precision
  title: Localised
  summary: Localised
}

/** Why a candidate looks like the probe: which criteria matched, and how similar the texts are. */
export type DuplicateReasons = {
  date: 'sameDay' | 'overlap'
  place: 'locality' | 'region' | null
  type: boolean
  /** The most similar pair's similarity, 0 to 1. */
  similarity: number
  text: 'title' | 'summary'
  language: 'ru' | 'en' | 'uk'
}

/** A likely duplicate of a probe. */
export type DuplicateCandidate = {
  key: string
  id: number
  title: Localised
  startDate: string
  startPrecision: Precision
  published: boolean
  reasons: DuplicateReasons
}

// The last day an event may be on: its end (or start) widened to the end of its precision's period.
const lastDay = (date: string, precision: string) => sql`(CASE ${sql.raw(precision)}
  WHEN 'year' THEN (${sql.raw(date)} + interval '1 year' - interval '1 day')::date
  WHEN 'month' THEN (${sql.raw(date)} + interval '1 month' - interval '1 day')::date
  ELSE ${sql.raw(date)} END)`

const languages = ['ru', 'en', 'uk'] as const
const textFields = ['title', 'summary'] as const
// The texts compared, in the order a tie between equally similar ones is settled.
const compared = textFields.flatMap((text) => languages.map((language) => ({ text, language })))

/**
 * What an import compares its rows with: the events there were when it began, up to that newest id.
 * Its own rows (distinct by their ids) and events written meanwhile are not "already in the chronicle".
 */
export type OwnImport = { knownUpTo: number }

/**
 * How many events of one place and span a probe is compared with at most, nearest in date first. A
 * year-long probe in Moscow would otherwise be paired with every Moscow event of that year (70,000 in
 * a chronicle of a million), and each import batch would read them all again.
 */
export const NEARBY_LIMIT = 200

// A text's trigrams as pg_trgm makes them (show_trgm), joined by '|', which no trigram holds: only
// letters, digits, spaces and the hex form of a wide one.
const trigramList = (text: string) =>
  sql.raw(`coalesce(array_to_string(show_trgm(nullif(${text}, '')), '|'), '')`)
const trigramColumns = (alias: string) =>
  sql.join(
    compared.map(
      ({ text, language }, index) =>
        sql`${trigramList(`${alias}.${text}->>'${language}'`)} AS ${sql.raw(`t${index}`)}`,
    ),
  )

type TrigramRow = { t0: string; t1: string; t2: string; t3: string; t4: string; t5: string }
// A text's trigrams as sorted numbers (each trigram numbered once per lookup), null for no text.
type Trigrams = (Int32Array | null)[]

// Numbers trigrams, so that comparing two texts is a merge of two sorted arrays of integers.
function trigramNumbering() {
  const numbers = new Map<string, number>()
  return (row: TrigramRow): Trigrams =>
    [row.t0, row.t1, row.t2, row.t3, row.t4, row.t5].map((list) => {
      if (!list) return null
      const trigrams = list.split('|')
      const numbered = new Int32Array(trigrams.length)
      trigrams.forEach((trigram, i) => {
        let number = numbers.get(trigram)
        if (number === undefined) {
          number = numbers.size
          numbers.set(trigram, number)
        }
        numbered[i] = number
      })
      return numbered.sort()
    })
}

/**
 * pg_trgm's similarity from two texts' distinct trigrams (sorted): shared ones over all, as the
 * float4 similarity() returns, 0 when neither has any.
 */
export function trigramSimilarity(a: Int32Array, b: Int32Array): number {
  let shared = 0
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! < b[j]!) i++
    else if (a[i]! > b[j]!) j++
    else {
      shared++
      i++
      j++
    }
  }
  const all = a.length + b.length - shared
  return all ? Math.fround(shared / all) : 0
}

// The most similar of a pair's texts in the same language (the first of equals), or null.
function mostSimilar(probe: Trigrams, event: Trigrams) {
  let best: { value: number; index: number } | null = null
  for (let index = 0; index < compared.length; index++) {
    const a = probe[index]
    const b = event[index]
    if (!a || !b) continue
    const value = trigramSimilarity(a, b)
    if (!best || value > best.value) best = { value, index }
  }
  return best
}

/**
 * Likely duplicates of each probe (probes without a start date get none), most similar first; an
 * import leaves out the events it wrote itself (`ownImport`).
 *
 * Two statements whatever the number of probes. The first finds the pairs by place and date alone,
 * off the indexes. The second reads the trigrams of each text once: of each probe, and of each event
 * however many probes it is paired with. The similarities are counted here from those. On PGlite
 * making a text's trigrams is most of similarity()'s cost, and calling it per pair made them again
 * for every pair: a thousand-row import against ten thousand events paired each of them with about
 * fifty events, most of them the same few thousand.
 */
export async function findDuplicates(
  db: Db,
  probes: DuplicateProbe[],
  options: { ownImport?: OwnImport } = {},
): Promise<DuplicateCandidate[]> {
  const dated = probes.filter((probe) => probe.startDate)
  if (!dated.length) return []
  const rows = dated.map((probe) => ({
    key: probe.key,
    exclude_id: probe.excludeId,
    type_id: probe.typeId,
    region_id: probe.regionId,
    country_id: probe.countryId,
    locality: probe.locality,
    start_date: probe.startDate,
    start_precision: probe.startPrecision,
    end_date: probe.endDate ?? probe.startDate,
    end_precision: probe.endDate ? probe.endPrecision : probe.startPrecision,
    title: probe.title,
    summary: probe.summary,
  }))
  const own = options.ownImport
  // Kept inside the limit of each range scan below: what a probe may be compared with at all.
  const eligible = sql`e.merged_into IS NULL ${own ? sql`AND e.id <= ${own.knownUpTo}::bigint` : sql``}`
  const filters = sql`
        AND e.id IS DISTINCT FROM p.exclude_id
        AND (p.type_id IS NULL OR e.type_id IS NULL OR e.type_id = p.type_id)`
  // Events of a place (the same region, or none on both sides: an OR of the two would keep the
  // planner off the index) that start within the probe's span, nearest first, and the few spanning
  // ones (with an end, or a month or a year) that start up to WINDOW_DAYS before, nearest first: each
  // an index range scan that stops after NEARBY_LIMIT rows.
  const columns = sql`e.id, e.start_date, e.start_precision, e.end_date, e.end_precision, e.locality, e.region_id, e.type_id`
  const nearby = (place: RawBuilder<unknown>) => sql`
      SELECT ${columns} FROM (
        SELECT * FROM chronicle_events e
        WHERE ${place} AND ${eligible} AND e.start_date BETWEEN p.start_date AND p.until
        ORDER BY e.start_date LIMIT ${NEARBY_LIMIT}
      ) e WHERE TRUE ${filters}
      UNION ALL
      SELECT ${columns} FROM (
        SELECT * FROM chronicle_events e
        WHERE ${place} AND ${eligible} AND e.start_date >= p.start_date - ${WINDOW_DAYS}::int
          AND e.start_date < p.start_date AND (e.end_date IS NOT NULL OR e.start_precision <> 'day')
        ORDER BY e.start_date DESC LIMIT ${NEARBY_LIMIT}
      ) e WHERE TRUE ${filters}`
  const probeRows = sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(key text, exclude_id bigint,
        type_id int, region_id int, country_id int, locality text, start_date date, start_precision text,
        end_date date, end_precision text, title jsonb, summary jsonb)`
  const { rows: pairs } = await sql<{
    key: string
    id: number
    same_day: boolean
    same_locality: boolean
    same_region: boolean
    same_type: boolean
  }>`
    WITH p AS (SELECT x.*, ${lastDay('x.end_date', 'x.end_precision')} AS until FROM ${probeRows})
    SELECT p.key, e.id,
      (e.start_date = p.start_date AND e.start_precision = 'day' AND p.start_precision = 'day'
        AND coalesce(e.end_date, e.start_date) = e.start_date AND p.end_date = p.start_date) AS same_day,
      coalesce(lower(e.locality) = lower(p.locality), false) AS same_locality,
      coalesce(e.region_id = p.region_id, false) AS same_region,
      coalesce(e.type_id = p.type_id, false) AS same_type
    FROM p
    CROSS JOIN LATERAL (
      ${nearby(sql`e.region_id = p.region_id`)}
      UNION ALL
      ${nearby(sql`p.region_id IS NULL AND e.region_id IS NULL AND e.country_id IS NOT DISTINCT FROM p.country_id`)}
    ) e
    WHERE ${lastDay('coalesce(e.end_date, e.start_date)', 'CASE WHEN e.end_date IS NULL THEN e.start_precision ELSE e.end_precision END')} >= p.start_date
  `.execute(db)
  if (!pairs.length) return []
  const eventIds = [...new Set(pairs.map((pair) => Number(pair.id)))]
  const { rows: texts } = await sql<
    TrigramRow & {
      key: string | null
      id: number | null
      title: Localised | null
      start_date: string | null
      start_precision: Precision | null
      published: boolean | null
    }
  >`
    SELECT x.key, NULL::bigint AS id, NULL::jsonb AS title, NULL::text AS start_date,
      NULL::text AS start_precision, NULL::boolean AS published, ${trigramColumns('x')}
    FROM ${probeRows} WHERE x.key = ANY(${[...new Set(pairs.map((pair) => pair.key))]}::text[])
    UNION ALL
    SELECT NULL, e.id, e.title, e.start_date::text, e.start_precision, e.published_at IS NOT NULL,
      ${trigramColumns('e')}
    FROM chronicle_events e WHERE e.id = ANY(${eventIds}::bigint[])
  `.execute(db)
  const trigramSets = trigramNumbering()
  const probeTrigrams = new Map<string, Trigrams>()
  const events = new Map<number, { row: (typeof texts)[number]; trigrams: Trigrams }>()
  for (const row of texts) {
    if (row.key !== null) probeTrigrams.set(row.key, trigramSets(row))
    else events.set(Number(row.id), { row, trigrams: trigramSets(row) })
  }
  const found = pairs.flatMap((pair) => {
    const probe = probeTrigrams.get(pair.key)
    const event = events.get(Number(pair.id))
    const best = probe && event ? mostSimilar(probe, event.trigrams) : null
    return best && best.value >= Math.fround(MIN_SIMILARITY) ? [{ pair, event: event!.row, best }] : []
  })
  found.sort(
    (a, b) =>
      (a.pair.key < b.pair.key ? -1 : a.pair.key > b.pair.key ? 1 : 0) ||
      b.best.value - a.best.value ||
      Number(a.pair.id) - Number(b.pair.id),
  )
  const perKey = new Map<string, number>()
  const candidates: DuplicateCandidate[] = []
  for (const { pair, event, best } of found) {
    const count = perKey.get(pair.key) ?? 0
    if (count >= CANDIDATE_LIMIT) continue
    perKey.set(pair.key, count + 1)
    const { text, language } = compared[best.index]!
    candidates.push({
      key: pair.key,
      id: Number(pair.id),
      title: event.title ?? {},
      startDate: event.start_date!,
      startPrecision: event.start_precision!,
      published: Boolean(event.published),
      reasons: {
        date: pair.same_day ? 'sameDay' : 'overlap',
        place: pair.same_locality ? 'locality' : pair.same_region ? 'region' : null,
        type: pair.same_type,
        similarity: Math.round(best.value * 100) / 100,
        text,
        language,
      },
    })
  }
  return candidates
}

/** Likely duplicates of a stored event (none for a merged one). */
export async function duplicatesOfEvent(db: Db, id: number): Promise<DuplicateCandidate[]> {
  const row = await db
    .selectFrom('chronicle_events')
    .select([
      'type_id',
      'region_id',
      'country_id',
      'locality',
      'start_date',
      'start_precision',
      'end_date',
      'end_precision',
      'title',
      'summary',
      'merged_into',
    ])
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row || row.merged_into !== null) return []
  return findDuplicates(db, [
    {
      key: String(id),
      excludeId: id,
      typeId: row.type_id,
      regionId: row.region_id,
      countryId: row.country_id,
      locality: row.locality,
      startDate: row.start_date,
      startPrecision: row.start_precision,
      endDate: row.end_date,
      endPrecision: row.end_precision,
      title: row.title,
      summary: row.summary,
    },
  ])
}
