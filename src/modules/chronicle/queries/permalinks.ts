/**
 * Reads behind the public permalinks: an event's sources and acts, a person, a case. Only records
 * reached through a published event are read; what leaves here still goes through present.ts.
 */
import { sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import { eventColumns, type PublicEventRow } from './events.ts'

/** An event's sources. */
export function eventSources(db: Db, eventId: number) {
  return db
    .selectFrom('chronicle_sources')
    .select(['id', 'url', 'description', 'publisher', 'published_on', 'reliability'])
    .where('event_id', '=', eventId)
    .orderBy('id')
    .execute()
}

const personColumns = [
  'p.id',
  'p.kind',
  'p.group_size',
  'p.name_cyrillic',
  'p.name_latin',
  'p.visibility',
  'p.visibility_source',
  'p.locality',
  'p.birth_year',
] as const

/** Acts of published events (of one event, one person or one case), with their person as stored. */
export function publicActs(db: Db, where: { eventId?: number; personId?: number; caseId?: number }) {
  let query = db
    .selectFrom('chronicle_acts as a')
    .innerJoin('chronicle_events as e', 'e.id', 'a.event_id')
    .leftJoin('chronicle_persons as p', 'p.id', 'a.person_id')
    .select([
      'a.id as act_id',
      'a.act_type_id',
      'a.case_id',
      'a.event_id',
      ...personColumns,
      'e.public_date as event_date',
    ])
    .where('e.published_at', 'is not', null)
    // By the public date (see filters.ts): by the true day, a sensitive event's place among a
    // person's or a case's other events would narrow its day down.
    .orderBy('e.public_date', 'desc')
    .orderBy('a.id')
    .limit(1000)
  if (where.eventId !== undefined) query = query.where('a.event_id', '=', where.eventId)
  if (where.personId !== undefined) query = query.where('a.person_id', '=', where.personId)
  if (where.caseId !== undefined) query = query.where('a.case_id', '=', where.caseId)
  return query.execute()
}

/** A row of `publicActs`. */
export type PublicActRow = Awaited<ReturnType<typeof publicActs>>[number]

/** Published events by id, newest (by public date) first. */
export async function eventsByIds(db: Db, ids: number[]): Promise<PublicEventRow[]> {
  if (!ids.length) return []
  return db
    .selectFrom('chronicle_events as e')
    .select(eventColumns)
    .where('e.id', 'in', ids)
    .where('e.published_at', 'is not', null)
    .orderBy('e.public_date', 'desc')
    .orderBy('e.id', 'desc')
    .execute()
}

// Whether an act of a published event names the person or case: only those have public pages.
const inPublishedEvent = (link: 'a.person_id' | 'a.case_id', id: 'p.id' | 'c.id') =>
  sql<boolean>`EXISTS (SELECT 1 FROM chronicle_acts a JOIN chronicle_events e ON e.id = a.event_id
    WHERE ${sql.ref(link)} = ${sql.ref(id)} AND e.published_at IS NOT NULL)`

/** A person who is not withheld and appears in at least one published event, or undefined. */
export function publicPerson(db: Db, id: number) {
  return db
    .selectFrom('chronicle_persons as p')
    .select(personColumns)
    .where('p.id', '=', id)
    .where('p.visibility', '<>', 'withheld')
    .where(inPublishedEvent('a.person_id', 'p.id'))
    .executeTakeFirst()
}

const caseColumns = [
  'c.id',
  'c.kind',
  'c.court',
  'c.region_id',
  'c.country_id',
  'c.status',
  'c.outcome',
  'c.fine_minor',
  'c.term_months',
] as const

/** A case linked to at least one published event, or undefined. */
export function publicCase(db: Db, id: number) {
  return db
    .selectFrom('chronicle_cases as c')
    .select(caseColumns)
    .where('c.id', '=', id)
    .where(inPublishedEvent('a.case_id', 'c.id'))
    .executeTakeFirst()
}

/** A row of `publicCase`. */
export type CaseRow = NonNullable<Awaited<ReturnType<typeof publicCase>>>

/** Cases by id with their article ids (only cases reached through a published event are asked for). */
export async function casesByIds(db: Db, ids: number[]) {
  if (!ids.length) return []
  const [cases, articles] = await Promise.all([
    db
      .selectFrom('chronicle_cases as c')
      .select(caseColumns)
      .where('c.id', 'in', ids)
      .orderBy('c.id')
      .execute(),
    caseArticles(db, ids),
  ])
  return cases.map((row) => ({ ...row, articleIds: articles.get(row.id) ?? [] }))
}

/** Article ids of each case. */
export async function caseArticles(db: Db, ids: number[]): Promise<Map<number, number[]>> {
  const byCase = new Map<number, number[]>()
  if (!ids.length) return byCase
  const rows = await db
    .selectFrom('chronicle_case_articles')
    .select(['case_id', 'article_id'])
    .where('case_id', 'in', ids)
    .orderBy('article_id')
    .execute()
  for (const row of rows) byCase.set(row.case_id, [...(byCase.get(row.case_id) ?? []), row.article_id])
  return byCase
}

/** The part and paragraph a case cites of an article ("ч. 1", "п. «а»"), by `caseId:articleCode`. */
export type ArticleParts = ReadonlyMap<string, { part: string | null; paragraph: string | null }>

/** The parts and paragraphs of the cases' articles, where one is given. */
export async function articleParts(db: Db, caseIds: number[]): Promise<ArticleParts> {
  const parts = new Map<string, { part: string | null; paragraph: string | null }>()
  if (!caseIds.length) return parts
  const rows = await db
    .selectFrom('chronicle_case_articles as ca')
    .innerJoin('vocab_terms as v', 'v.id', 'ca.article_id')
    .select(['ca.case_id', 'v.code', 'ca.part', 'ca.paragraph'])
    .where('ca.case_id', 'in', caseIds)
    .where((eb) => eb.or([eb('ca.part', 'is not', null), eb('ca.paragraph', 'is not', null)]))
    .execute()
  for (const row of rows)
    parts.set(`${row.case_id}:${row.code}`, { part: row.part, paragraph: row.paragraph })
  return parts
}

/**
 * Whether a case arose from a sensitive event, published or not: its stage dates are then blurred
 * like the event's (redaction.ts `redactStage`).
 */
export async function caseIsSensitive(db: Db, caseId: number): Promise<boolean> {
  const row = await db
    .selectFrom('chronicle_acts as a')
    .innerJoin('chronicle_events as e', 'e.id', 'a.event_id')
    .select('a.id')
    .where('a.case_id', '=', caseId)
    .where('e.sensitive', '=', true)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/** A case's stages in order. */
export function caseStages(db: Db, caseId: number) {
  return db
    .selectFrom('chronicle_case_stages')
    .select(['id', 'stage', 'on_date', 'date_precision'])
    .where('case_id', '=', caseId)
    .orderBy('on_date')
    .orderBy('id')
    .execute()
}
