/**
 * Likely duplicates: events that are probably the same as a given one. The rule, in order:
 * - the dates overlap (each event spans its start to its end, or to the end of the month or year its
 *   precision allows); only events starting within `WINDOW_DAYS` before are looked at, so a long event
 *   that began earlier is missed rather than every event of a year read;
 * - the same region, or none known on either side; the type doesn't contradict (unknown on one
 *   side, or the same);
 * - a title or a summary in the same language is similar (pg_trgm's similarity ≥ `MIN_SIMILARITY`).
 * Place and date narrow the rows first (indexes chronicle_events_place_day and _place_span);
 * similarity is computed on the handful left. Merged events are never candidates: their survivor is.
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
// One similarity per field and language, as (value, text, language) rows to pick the best of.
const pairs = sql.join(
  (['title', 'summary'] as const).flatMap((field) =>
    languages.map(
      (lang) =>
        sql`(similarity(nullif(e.${sql.raw(field)}->>${lang}, ''), nullif(p.${sql.raw(field)}->>${lang}, '')), ${field}, ${lang})`,
    ),
  ),
)

/** Events an import wrote itself: of its source, created since it started (its rows are distinct by id). */
export type OwnImport = { source: string; since: Date }

/**
 * Likely duplicates of each probe (probes without a start date get none), most similar first; an
 * import leaves out the events it wrote itself (`ownImport`).
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
    locality: probe.locality,
    start_date: probe.startDate,
    start_precision: probe.startPrecision,
    end_date: probe.endDate ?? probe.startDate,
    end_precision: probe.endDate ? probe.endPrecision : probe.startPrecision,
    title: probe.title,
    summary: probe.summary,
  }))
  const own = options.ownImport
  const filters = sql`
        AND e.merged_into IS NULL
        AND e.id IS DISTINCT FROM p.exclude_id
        AND (p.type_id IS NULL OR e.type_id IS NULL OR e.type_id = p.type_id)
        ${own ? sql`AND NOT (e.external_source IS NOT DISTINCT FROM ${own.source}::text AND e.created_at >= ${own.since})` : sql``}`
  // Events of a place (the same region, or none on both sides: an OR of the two would keep the
  // planner off the index) that start within the probe's span, and the few spanning ones (with an
  // end, or a month or a year) that start up to WINDOW_DAYS before: each an index range scan.
  const nearby = (place: RawBuilder<unknown>) => sql`
      SELECT e.* FROM chronicle_events e
      WHERE ${place} AND e.start_date BETWEEN p.start_date AND p.until ${filters}
      UNION ALL
      SELECT e.* FROM chronicle_events e
      WHERE ${place} AND e.start_date >= p.start_date - ${WINDOW_DAYS}::int AND e.start_date < p.start_date
        AND (e.end_date IS NOT NULL OR e.start_precision <> 'day') ${filters}`
  const { rows: found } = await sql<{
    key: string
    id: number
    title: Localised
    start_date: string
    start_precision: Precision
    published: boolean
    same_day: boolean
    same_locality: boolean
    same_region: boolean
    same_type: boolean
    similarity: number
    text: 'title' | 'summary'
    language: 'ru' | 'en' | 'uk'
  }>`
    WITH p AS (
      SELECT x.*, ${lastDay('x.end_date', 'x.end_precision')} AS until
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(key text, exclude_id bigint,
        type_id int, region_id int, locality text, start_date date, start_precision text,
        end_date date, end_precision text, title jsonb, summary jsonb)
    )
    SELECT p.key, e.id, e.title, e.start_date::text AS start_date, e.start_precision,
      e.published_at IS NOT NULL AS published,
      (e.start_date = p.start_date AND e.start_precision = 'day' AND p.start_precision = 'day'
        AND coalesce(e.end_date, e.start_date) = e.start_date AND p.end_date = p.start_date) AS same_day,
      coalesce(lower(e.locality) = lower(p.locality), false) AS same_locality,
      coalesce(e.region_id = p.region_id, false) AS same_region,
      coalesce(e.type_id = p.type_id, false) AS same_type,
      best.value AS similarity, best.text, best.language
    FROM p
    CROSS JOIN LATERAL (
      ${nearby(sql`e.region_id = p.region_id`)}
      UNION ALL
      ${nearby(sql`p.region_id IS NULL AND e.region_id IS NULL`)}
    ) e
    CROSS JOIN LATERAL (
      SELECT s.value, s.text, s.language
      FROM (VALUES ${pairs}) AS s(value, text, language)
      WHERE s.value IS NOT NULL
      ORDER BY s.value DESC LIMIT 1
    ) best
    WHERE ${lastDay('coalesce(e.end_date, e.start_date)', 'CASE WHEN e.end_date IS NULL THEN e.start_precision ELSE e.end_precision END')} >= p.start_date
      AND best.value >= ${MIN_SIMILARITY}
    ORDER BY p.key, best.value DESC, e.id
  `.execute(db)
  const perKey = new Map<string, number>()
  const candidates: DuplicateCandidate[] = []
  for (const row of found) {
    const count = perKey.get(row.key) ?? 0
    if (count >= CANDIDATE_LIMIT) continue
    perKey.set(row.key, count + 1)
    candidates.push({
      key: row.key,
      id: Number(row.id),
      title: row.title,
      startDate: row.start_date,
      startPrecision: row.start_precision,
      published: row.published,
      reasons: {
        date: row.same_day ? 'sameDay' : 'overlap',
        place: row.same_locality ? 'locality' : row.same_region ? 'region' : null,
        type: row.same_type,
        similarity: Math.round(Number(row.similarity) * 100) / 100,
        text: row.text,
        language: row.language,
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
