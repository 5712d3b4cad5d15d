/**
 * Writes the acts a file gives whole (Lifeline's exports do), with their persons and cases, for the
 * events a batch inserted or changed: one statement each for persons, cases, case articles and acts.
 *
 * Persons and cases are keyed by (the mapping's source, the export's key), so every act that names
 * the same key, in any row, is the same person or case, and a re-import updates them instead of adding
 * more. One the file gives no key is keyed by its event's id and the act's place in the row.
 */
import { sql } from 'kysely'
import type { Db } from '../../../../platform/db/database.ts'
import type { DraftCase, DraftPerson } from './convert-structured.ts'
import type { WrittenEvent } from './write-links.ts'

type Keyed<T> = { externalId: string; value: T }

// The key a person or case is stored under; keyless ones belong to their act.
const keyOf = (key: string | null, event: string, index: number) => key ?? `${event}#${index + 1}`

// Persons or cases once each by key (a statement may not upsert one row twice), as a JSON recordset.
function unique<T>(items: Keyed<T>[]): Keyed<T>[] {
  return [...new Map(items.map((item) => [item.externalId, item])).values()]
}

async function idsByKey(
  db: Db,
  table: 'chronicle_persons' | 'chronicle_cases',
  source: string,
  keys: string[],
) {
  if (!keys.length) return new Map<string, number>()
  const rows = await db
    .selectFrom(table)
    .select(['id', 'external_id'])
    .where('external_source', '=', source)
    .where(sql<boolean>`external_id = any(${keys}::text[])`)
    .execute()
  return new Map(rows.map((row) => [row.external_id ?? '', row.id]))
}

async function upsertPersons(db: Db, source: string, persons: Keyed<DraftPerson>[]) {
  if (!persons.length) return
  const rows = persons.map(({ externalId, value: p }) => ({
    external_id: externalId,
    kind: p.kind,
    group_size: p.groupSize,
    name_cyrillic: p.nameCyrillic,
    name_latin: p.nameLatin,
    visibility: p.visibility,
    visibility_source: p.visibilitySource,
    locality: p.locality,
    birth_year: p.birthYear,
  }))
  const columns = [
    'kind',
    'group_size',
    'name_cyrillic',
    'name_latin',
    'visibility_source',
    'locality',
    'birth_year',
  ]
  // A person an editor has withheld since stays withheld: a file never makes anyone public again.
  await sql`
    INSERT INTO chronicle_persons (external_source, external_id, visibility, ${sql.join(columns.map((c) => sql.ref(c)))})
    SELECT ${source}::text, x.external_id, x.visibility, ${sql.join(columns.map((c) => sql.ref(`x.${c}`)))}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(external_id text, kind text, group_size int,
      name_cyrillic text, name_latin text, visibility text, visibility_source text, locality text, birth_year int)
    ON CONFLICT (external_source, external_id) WHERE external_id IS NOT NULL DO UPDATE SET
      ${sql.join(columns.map((c) => sql`${sql.ref(c)} = ${sql.ref(`excluded.${c}`)}`))},
      visibility = CASE WHEN chronicle_persons.visibility = 'withheld' THEN 'withheld' ELSE excluded.visibility END,
      version = chronicle_persons.version + 1, updated_at = now()
    WHERE (${sql.join([...columns, 'visibility'].map((c) => sql.ref(`chronicle_persons.${c}`)))})
      IS DISTINCT FROM (${sql.join([...columns, 'visibility'].map((c) => sql.ref(`excluded.${c}`)))})
      AND chronicle_persons.visibility <> 'withheld'`.execute(db)
}

async function upsertCases(db: Db, source: string, cases: Keyed<DraftCase>[]) {
  if (!cases.length) return
  const rows = cases.map(({ externalId, value: c }) => ({
    external_id: externalId,
    kind: c.kind,
    status: c.status,
    outcome: c.outcome,
    court: c.court,
    fine_minor: c.fineMinor,
    term_months: c.termMonths,
  }))
  const columns = ['kind', 'status', 'outcome', 'court', 'fine_minor', 'term_months']
  await sql`
    INSERT INTO chronicle_cases (external_source, external_id, ${sql.join(columns.map((c) => sql.ref(c)))})
    SELECT ${source}::text, x.external_id, ${sql.join(columns.map((c) => sql.ref(`x.${c}`)))}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(external_id text, kind text, status text,
      outcome text, court text, fine_minor bigint, term_months int)
    ON CONFLICT (external_source, external_id) WHERE external_id IS NOT NULL DO UPDATE SET
      ${sql.join(columns.map((c) => sql`${sql.ref(c)} = ${sql.ref(`excluded.${c}`)}`))},
      version = chronicle_cases.version + 1, updated_at = now()
    WHERE (${sql.join(columns.map((c) => sql.ref(`chronicle_cases.${c}`)))})
      IS DISTINCT FROM (${sql.join(columns.map((c) => sql.ref(`excluded.${c}`)))})`.execute(db)
  const ids = await idsByKey(
    db,
    'chronicle_cases',
    source,
    rows.map((row) => row.external_id),
  )
  const links = cases.flatMap(({ externalId, value }) =>
    value.articles.map((article) => ({ case_id: ids.get(externalId), ...article })),
  )
  if (!links.length) return
  await sql`
    INSERT INTO chronicle_case_articles (case_id, article_id, part, paragraph)
    SELECT x.case_id, x."articleId", x.part, x.paragraph
    FROM jsonb_to_recordset(${JSON.stringify(links)}::jsonb) AS x(case_id bigint, "articleId" int, part text, paragraph text)
    ON CONFLICT (case_id, article_id) DO UPDATE SET part = excluded.part, paragraph = excluded.paragraph
    WHERE (chronicle_case_articles.part, chronicle_case_articles.paragraph)
      IS DISTINCT FROM (excluded.part, excluded.paragraph)`.execute(db)
}

/**
 * Writes the acts of the events given (those whose row has acts): their persons and cases upserted by
 * key, then each act the event lacks (same type, person and case) added; none is taken away, since a
 * reviewer may have added more than the file has.
 */
export async function addActs(db: Db, events: WrittenEvent[], source: string): Promise<void> {
  const withActs = events.filter((event) => event.draft.acts?.length)
  if (!withActs.length) return
  const persons: Keyed<DraftPerson>[] = []
  const cases: Keyed<DraftCase>[] = []
  const acts: { event: number; type: number; person: string | null; case: string | null; fresh: boolean }[] =
    []
  for (const { id, draft, fresh } of withActs)
    draft.acts?.forEach((act, index) => {
      const person = act.person ? keyOf(act.person.key, draft.externalId, index) : null
      const caseKey = act.case ? keyOf(act.case.key, draft.externalId, index) : null
      if (act.person && person) persons.push({ externalId: person, value: act.person })
      if (act.case && caseKey) cases.push({ externalId: caseKey, value: act.case })
      acts.push({ event: id, type: act.actTypeId, person, case: caseKey, fresh })
    })
  await upsertPersons(db, source, unique(persons))
  await upsertCases(db, source, unique(cases))
  const [personIds, caseIds] = await Promise.all([
    idsByKey(
      db,
      'chronicle_persons',
      source,
      unique(persons).map((p) => p.externalId),
    ),
    idsByKey(
      db,
      'chronicle_cases',
      source,
      unique(cases).map((c) => c.externalId),
    ),
  ])
  const rows = acts.map((act, n) => ({
    n,
    event_id: act.event,
    act_type_id: act.type,
    person_id: act.person ? (personIds.get(act.person) ?? null) : null,
    case_id: act.case ? (caseIds.get(act.case) ?? null) : null,
    fresh: act.fresh,
  }))
  // Identity values follow ORDER BY, so the export (acts by id) lists them as the file did.
  await sql`
    INSERT INTO chronicle_acts (event_id, act_type_id, person_id, case_id)
    SELECT x.event_id, x.act_type_id, x.person_id, x.case_id
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS x(n int, event_id bigint, act_type_id int, person_id bigint, case_id bigint, fresh boolean)
    WHERE x.fresh OR NOT EXISTS (
      SELECT 1 FROM chronicle_acts a WHERE a.event_id = x.event_id AND a.act_type_id = x.act_type_id
        AND a.person_id IS NOT DISTINCT FROM x.person_id AND a.case_id IS NOT DISTINCT FROM x.case_id)
    ORDER BY x.n`.execute(db)
}
