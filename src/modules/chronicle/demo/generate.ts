/**
 * `lifeline demo`: a synthetic chronicle for trying Lifeline out and for benchmarks. Events are built
 * in memory a batch at a time and written with one multi-row INSERT per table per batch (rows go in
 * as one JSON parameter, so a batch of thousands is a single statement), which keeps a million events
 * to minutes. The same seed gives the same chronicle.
 */
import { sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import { buildEvent, type DemoEvent } from './build.ts'
import { regionCodes } from './places.ts'
import { seeded } from './random.ts'

/** Where demo events say they came from, so they can be told apart (and deleted) later. */
export const DEMO_SOURCE = 'demo'

/** Options of a demo run. */
export type DemoOptions = {
  events: number
  seed?: number
  batchSize?: number
  onProgress?: (done: number, total: number) => void
}

const eventTypes = [
  'protest',
  'rally',
  'march',
  'picket',
  'single_picket',
  'detention',
  'search',
  'arrest',
  'trial',
  'sentence',
  'refusal_to_serve',
  'strike',
  'solidarity',
  'other',
]
const actTypes = [
  'detention',
  'search',
  'administrative_charge',
  'criminal_charge',
  'fine',
  'administrative_arrest',
  'sentence',
  'release',
]
const articles = [
  'koap-20.2',
  'koap-20.3.3',
  'koap-19.3',
  'uk-207.3',
  'uk-280.3',
  'uk-275',
  'uk-205.2',
  'uk-284.1',
]

type Ids = Record<'event_type' | 'act_type' | 'region' | 'article' | 'country', Map<string, number>>

/** The ids of the terms the demo uses, adding any the vocabulary seed has not (approved, labelled by code). */
async function vocabularyIds(db: Db): Promise<Ids> {
  const wanted: [keyof Ids, string][] = [
    ...eventTypes.map((code): [keyof Ids, string] => ['event_type', code]),
    ...actTypes.map((code): [keyof Ids, string] => ['act_type', code]),
    ...[...regionCodes, 'RU-MOW'].map((code): [keyof Ids, string] => ['region', code]),
    ...articles.map((code): [keyof Ids, string] => ['article', code]),
  ]
  await db
    .insertInto('vocab_terms')
    .values(
      wanted.map(([vocabulary, code]) => ({
        vocabulary,
        code,
        labels: JSON.stringify({ ru: code, en: code, uk: code }),
        extra: '{}',
        proposed_by: null,
        decided_by: null,
      })),
    )
    .onConflict((oc) => oc.columns(['vocabulary', 'code']).doNothing())
    .execute()
  const rows = await db.selectFrom('vocab_terms').select(['vocabulary', 'code', 'id']).execute()
  const ids: Ids = {
    event_type: new Map(),
    act_type: new Map(),
    region: new Map(),
    article: new Map(),
    country: new Map(),
  }
  for (const row of rows) ids[row.vocabulary].set(row.code, row.id)
  return ids
}

async function reserve(db: Db, table: string, count: number): Promise<number[]> {
  if (!count) return []
  const { rows } = await sql<{ id: number }>`
    SELECT nextval(pg_get_serial_sequence(${table}, 'id'))::int8 AS id FROM generate_series(1, ${count})`.execute(
    db,
  )
  return rows.map((row) => Number(row.id))
}

const json = (rows: unknown[]) => JSON.stringify(rows)

async function insertBatch(db: Db, batch: DemoEvent[], ids: Ids): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const eventIds = await reserve(trx, 'chronicle_events', batch.length)
    const personIds = await reserve(
      trx,
      'chronicle_persons',
      batch.reduce((n, e) => n + e.persons.length, 0),
    )
    const caseIds = await reserve(
      trx,
      'chronicle_cases',
      batch.reduce((n, e) => n + e.acts.filter((a) => a.caseKind).length, 0),
    )
    const events: unknown[] = []
    const persons: unknown[] = []
    const cases: unknown[] = []
    const caseArticles: unknown[] = []
    const acts: unknown[] = []
    const sources: unknown[] = []
    let nextPerson = 0
    let nextCase = 0
    batch.forEach((e, i) => {
      const id = eventIds[i]!
      const region = (e.region && ids.region.get(e.region)) ?? null
      const country = ids.country.get(e.country) ?? null
      // What the acts' trigger would set; given here, the trigger finds nothing to change.
      const articleIds = new Set<number>()
      for (const act of e.acts) {
        const article = act.caseKind && act.article ? ids.article.get(act.article) : undefined
        if (article) articleIds.add(article)
      }
      events.push({
        ...e,
        id,
        external_source: DEMO_SOURCE,
        type_id: ids.event_type.get(e.type) ?? null,
        region_id: region,
        country_id: country,
        article_ids: [...articleIds].sort((a, b) => a - b),
      })
      const own = e.persons.map((p) => {
        const personId = personIds[nextPerson++]!
        persons.push({ ...p, id: personId, region_id: region, country_id: country })
        return personId
      })
      for (const act of e.acts) {
        let caseId: number | null = null
        if (act.caseKind) {
          caseId = caseIds[nextCase++]!
          // Someone acting abroad is prosecuted in Russia, in absentia (Moscow's Basmanny court hears most).
          const abroad = e.region === null
          cases.push({
            id: caseId,
            kind: act.caseKind,
            court: abroad ? 'Басманный районный суд (Москва), заочно' : `Районный суд (${e.locality})`,
            region_id: abroad ? (ids.region.get('RU-MOW') ?? null) : region,
            country_id: abroad ? (ids.country.get('RU') ?? null) : country,
            status: act.caseStatus ?? 'open',
            outcome: act.outcome ?? null,
            fine_minor: act.fineMinor ?? null,
            term_months: act.termMonths ?? null,
          })
          const article = act.article ? ids.article.get(act.article) : undefined
          if (article) caseArticles.push({ case_id: caseId, article_id: article })
        }
        acts.push({
          event_id: id,
          act_type_id: ids.act_type.get(act.type),
          person_id: act.person === null ? null : own[act.person],
          case_id: caseId,
        })
      }
      for (const source of e.sources) sources.push({ ...source, event_id: id })
    })
    await sql`INSERT INTO chronicle_events (id, external_source, external_id, title, summary, type_id, start_date,
        start_precision, region_id, country_id, locality, latitude, longitude, coord_precision, participants, detained,
        authorised, subject, status, sensitive, published_at, article_ids)
      SELECT id, external_source, external_id, title, summary, type_id, start_date, start_precision, region_id,
        country_id, locality, latitude, longitude, coord_precision, participants, detained, authorised, subject, status,
        sensitive, published_at, article_ids
      FROM jsonb_to_recordset(${json(events)}::jsonb) AS x(id int8, external_source text, external_id text,
        title jsonb, summary jsonb, type_id int, start_date date, start_precision text, region_id int,
        country_id int, locality text, latitude float8, longitude float8, coord_precision text, participants int, detained int,
        authorised boolean, subject text, status text, sensitive boolean, published_at timestamptz,
        article_ids int[])`.execute(trx)
    if (persons.length)
      await sql`INSERT INTO chronicle_persons (id, name_cyrillic, name_latin, visibility, visibility_source, region_id,
          country_id, locality, birth_year)
        SELECT * FROM jsonb_to_recordset(${json(persons)}::jsonb) AS x(id int8, name_cyrillic text, name_latin text,
          visibility text, visibility_source text, region_id int, country_id int, locality text, birth_year int)`.execute(
        trx,
      )
    if (cases.length)
      await sql`INSERT INTO chronicle_cases (id, kind, court, region_id, country_id, status, outcome, fine_minor, term_months)
        SELECT * FROM jsonb_to_recordset(${json(cases)}::jsonb) AS x(id int8, kind text, court text, region_id int,
          country_id int, status text, outcome text, fine_minor int8, term_months int)`.execute(trx)
    if (caseArticles.length)
      await sql`INSERT INTO chronicle_case_articles (case_id, article_id)
        SELECT * FROM jsonb_to_recordset(${json(caseArticles)}::jsonb) AS x(case_id int8, article_id int)`.execute(
        trx,
      )
    if (acts.length)
      await sql`INSERT INTO chronicle_acts (event_id, act_type_id, person_id, case_id)
        SELECT * FROM jsonb_to_recordset(${json(acts)}::jsonb) AS x(event_id int8, act_type_id int, person_id int8,
          case_id int8)`.execute(trx)
    await sql`INSERT INTO chronicle_sources (event_id, url, publisher, published_on, reliability)
      SELECT * FROM jsonb_to_recordset(${json(sources)}::jsonb) AS x(event_id int8, url text, publisher text,
        published_on date, reliability text)`.execute(trx)
  })
}

/** Writes `events` demo events; returns how many were written. */
export async function generateDemo(db: Db, options: DemoOptions): Promise<number> {
  const seed = options.seed ?? 1
  const size = options.batchSize ?? 5000
  const random = seeded(seed)
  const ids = await vocabularyIds(db)
  // A second run with the same seed continues the numbering, so external ids never collide.
  const known = await db
    .selectFrom('chronicle_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('external_source', '=', DEMO_SOURCE)
    .where('external_id', 'like', `${seed}-%`)
    .executeTakeFirstOrThrow()
  const offset = Number(known.n)
  let done = 0
  while (done < options.events) {
    const count = Math.min(size, options.events - done)
    const batch = Array.from({ length: count }, (_, i) => buildEvent(random, seed, offset + done + i))
    await insertBatch(db, batch, ids)
    done += count
    options.onProgress?.(done, options.events)
  }
  // Fresh statistics for the planner (the embedded database has no autovacuum to take them).
  if (done) await sql`ANALYZE`.execute(db)
  return done
}
