/**
 * Test data for the public chronicle's tests: vocabulary terms (until the seed migration lands, and
 * harmless after) and published events, persons, cases and acts, inserted directly.
 */
import type { Insertable } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import type { EventsTable, PersonsTable } from '../tables.ts'

const vocabulary = {
  event_type: [
    'protest',
    'rally',
    'picket',
    'single_picket',
    'detention',
    'search',
    'trial',
    'sentence',
    'strike',
  ],
  act_type: ['detention', 'search', 'administrative_charge', 'criminal_charge', 'fine', 'sentence'],
  region: ['RU-MOW', 'RU-SPE', 'RU-TUL', 'RU-KC', 'UA-43'],
  article: ['koap-20.2', 'koap-20.3.3', 'uk-207.3', 'uk-280.3'],
} as const

const labels: Record<string, { ru: string; en: string; uk: string }> = {
  protest: { ru: 'Протест', en: 'Protest', uk: 'Протест' },
  picket: { ru: 'Пикет', en: 'Picket', uk: 'Пікет' },
  detention: { ru: 'Задержание', en: 'Detention', uk: 'Затримання' },
  'RU-MOW': { ru: 'Москва', en: 'Moscow', uk: 'Москва' },
  'RU-TUL': { ru: 'Тульская область', en: 'Tula Oblast', uk: 'Тульська область' },
  'RU-SPE': { ru: 'Санкт-Петербург', en: 'Saint Petersburg', uk: 'Санкт-Петербург' },
  'koap-20.3.3': { ru: 'Дискредитация армии', en: 'Discrediting the army', uk: 'Дискредитація армії' },
}

/** Term ids by vocabulary and code. */
export type TermIds = Record<keyof typeof vocabulary, Record<string, number>>

/** Inserts the terms the tests use (leaving existing ones) and returns their ids. */
export async function ensureTerms(db: Db): Promise<TermIds> {
  const ids = { event_type: {}, act_type: {}, region: {}, article: {} } as TermIds
  for (const [name, codes] of Object.entries(vocabulary) as [keyof typeof vocabulary, readonly string[]][]) {
    await db
      .insertInto('vocab_terms')
      .values(
        codes.map((code) => {
          const [, kind, number] = /^(koap|uk)-(.+)$/.exec(code) ?? []
          return {
            vocabulary: name,
            code,
            labels: JSON.stringify(labels[code] ?? { ru: code, en: code, uk: code }),
            extra: JSON.stringify(kind ? { code: kind === 'koap' ? 'КоАП' : 'УК', number } : {}),
          }
        }),
      )
      .onConflict((oc) => oc.columns(['vocabulary', 'code']).doNothing())
      .execute()
    const rows = await db
      .selectFrom('vocab_terms')
      .select(['id', 'code'])
      .where('vocabulary', '=', name)
      .execute()
    for (const row of rows) ids[name][row.code] = row.id
  }
  return ids
}

/** An event to insert: JSON fields as objects; published and verified unless told otherwise. */
export type EventSpec = Omit<Insertable<EventsTable>, 'title' | 'summary' | 'import_raw'> & {
  title?: Record<string, string>
  summary?: Record<string, string>
}

/** Inserts events and returns their ids in order. */
export async function insertEvents(db: Db, specs: EventSpec[]): Promise<number[]> {
  if (!specs.length) return []
  const rows = await db
    .insertInto('chronicle_events')
    .values(
      specs.map((spec) => ({
        status: 'verified' as const,
        published_at: new Date(),
        ...spec,
        title: JSON.stringify(spec.title ?? {}),
        summary: JSON.stringify(spec.summary ?? {}),
      })),
    )
    .returning('id')
    .execute()
  return rows.map((row) => row.id)
}

/** Inserts a person and returns the id. */
export async function insertPerson(db: Db, spec: Insertable<PersonsTable>): Promise<number> {
  return (await db.insertInto('chronicle_persons').values(spec).returning('id').executeTakeFirstOrThrow()).id
}

/** Inserts a case with its articles and returns the id. */
export async function insertCase(
  db: Db,
  spec: {
    kind: 'administrative' | 'criminal'
    court?: string
    articleIds?: number[]
    outcome?: 'fine'
    fine_minor?: number
    country_id?: number
  },
): Promise<number> {
  const { articleIds = [], ...values } = spec
  const { id } = await db
    .insertInto('chronicle_cases')
    .values(values)
    .returning('id')
    .executeTakeFirstOrThrow()
  if (articleIds.length) {
    await db
      .insertInto('chronicle_case_articles')
      .values(articleIds.map((article_id) => ({ case_id: id, article_id })))
      .execute()
  }
  return id
}

/** Inserts an act. */
export async function insertAct(
  db: Db,
  act: { event_id: number; act_type_id: number; person_id?: number | null; case_id?: number | null },
): Promise<void> {
  await db.insertInto('chronicle_acts').values(act).execute()
}

/**
 * The staff event form as a browser sends it with every field empty but a title, a type and a day,
 * and one source link; `overrides` sets the rest (a country, counts, a region…).
 */
export function eventFormFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    title_ru: 'Акция',
    title_en: '',
    title_uk: '',
    summary_ru: '',
    summary_en: '',
    summary_uk: '',
    type: 'protest',
    start_date: '2024-03-09',
    start_precision: 'day',
    end_date: '',
    end_precision: 'unknown',
    region: '',
    locality: '',
    latitude: '',
    longitude: '',
    coord_precision: '',
    participants: '',
    detained: '',
    authorised: 'unknown',
    subject: '',
    organisers: '',
    source_url: 'https://example.org/a',
    source_description: '',
    source_publisher: '',
    source_published_on: '',
    source_reliability: 'unknown',
    ...overrides,
  }
}
