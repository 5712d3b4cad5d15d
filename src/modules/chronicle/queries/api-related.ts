/**
 * What hangs off events — articles, sources, acts with their persons and cases — loaded for a whole
 * page or batch in one query each, never one query per event.
 */
import { sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import type { PresentableSource } from '../present/public.ts'
import type { PersonForRedaction } from '../present/redaction.ts'

/** A source as stored, with its event. */
export type ApiSourceRow = Omit<PresentableSource, 'id'> & { event_id: number }

/** An article of a case with the part and paragraph charged. */
export type ApiArticlePart = { article: string; part: string | null; paragraph: string | null }

/** An act with its person and case as stored. */
export type ApiActRow = {
  id: number
  event_id: number
  act_type: string
  person: PersonForRedaction | null
  case: {
    id: number
    kind: 'administrative' | 'criminal'
    status: 'open' | 'closed' | 'appeal'
    outcome: string | null
    court: string | null
    fine_minor: number | null
    term_months: number | null
    articles: string[]
    /** Each article with the part and paragraph charged, by code. */
    article_parts: ApiArticlePart[]
  } | null
}

function group<R extends { event_id: number }>(rows: R[]): Map<number, R[]> {
  const byEvent = new Map<number, R[]>()
  for (const row of rows) {
    const list = byEvent.get(row.event_id)
    if (list) list.push(row)
    else byEvent.set(row.event_id, [row])
  }
  return byEvent
}

/**
 * Article codes per event, each once, sorted: the terms of the article ids each row carries (kept
 * by triggers from the event's acts' cases), so one small query serves a whole batch.
 */
export async function articlesOf(
  db: Db,
  rows: { id: number; article_ids: number[] }[],
): Promise<Map<number, string[]>> {
  const ids = [...new Set(rows.flatMap((row) => row.article_ids))]
  if (!ids.length) return new Map()
  const terms = await db.selectFrom('vocab_terms').select(['id', 'code']).where('id', 'in', ids).execute()
  const codes = new Map(terms.map((term) => [term.id, term.code]))
  return new Map(rows.map((row) => [row.id, row.article_ids.map((id) => codes.get(id)!).sort()]))
}

/** Sources per event, in the order they were added. */
export async function sourcesOf(db: Db, ids: number[]): Promise<Map<number, ApiSourceRow[]>> {
  if (!ids.length) return new Map()
  const rows = await db
    .selectFrom('chronicle_sources')
    .select(['event_id', 'url', 'description', 'publisher', 'published_on', 'reliability'])
    .where(sql<boolean>`event_id = any(${ids}::bigint[])`)
    .orderBy('event_id')
    .orderBy('id')
    .execute()
  return group(rows)
}

/** Acts per event with their person and case (and the case's articles). */
export async function actsOf(db: Db, ids: number[]): Promise<Map<number, ApiActRow[]>> {
  if (!ids.length) return new Map()
  const rows = await db
    .selectFrom('chronicle_acts as a')
    .innerJoin('vocab_terms as at', 'at.id', 'a.act_type_id')
    .leftJoin('chronicle_persons as p', 'p.id', 'a.person_id')
    .leftJoin('chronicle_cases as c', 'c.id', 'a.case_id')
    .select([
      'a.id',
      'a.event_id',
      'at.code as act_type',
      'p.id as person_id',
      'p.kind as person_kind',
      'p.group_size',
      'p.name_cyrillic',
      'p.name_latin',
      'p.visibility',
      'p.visibility_source',
      'p.locality as person_locality',
      'p.birth_year',
      'c.id as case_id',
      'c.kind as case_kind',
      'c.status as case_status',
      'c.outcome',
      'c.court',
      'c.fine_minor',
      'c.term_months',
      sql<string[] | null>`(SELECT array_agg(v.code ORDER BY v.code) FROM chronicle_case_articles ca
        JOIN vocab_terms v ON v.id = ca.article_id WHERE ca.case_id = c.id)`.as('articles'),
      sql<ApiArticlePart[] | null>`(SELECT jsonb_agg(jsonb_build_object('article', v.code, 'part', ca.part,
          'paragraph', ca.paragraph) ORDER BY v.code) FROM chronicle_case_articles ca
        JOIN vocab_terms v ON v.id = ca.article_id WHERE ca.case_id = c.id)`.as('article_parts'),
    ])
    .where(sql<boolean>`a.event_id = any(${ids}::bigint[])`)
    .orderBy('a.event_id')
    .orderBy('a.id')
    .execute()
  const acts: ApiActRow[] = rows.map((row) => ({
    id: row.id,
    event_id: row.event_id,
    act_type: row.act_type,
    person:
      row.person_id === null
        ? null
        : {
            id: row.person_id,
            kind: row.person_kind!,
            group_size: row.group_size,
            name_cyrillic: row.name_cyrillic,
            name_latin: row.name_latin,
            visibility: row.visibility!,
            visibility_source: row.visibility_source,
            locality: row.person_locality,
            birth_year: row.birth_year,
          },
    case:
      row.case_id === null
        ? null
        : {
            id: row.case_id,
            kind: row.case_kind!,
            status: row.case_status!,
            outcome: row.outcome,
            court: row.court,
            fine_minor: row.fine_minor,
            term_months: row.term_months,
            articles: row.articles ?? [],
            article_parts: row.article_parts ?? [],
          },
  }))
  return group(acts)
}
