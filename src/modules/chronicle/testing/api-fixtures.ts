/** Events for the open data tests: the awkward cases redaction, escaping and paging must survive. */
import type { Db } from '../../../platform/db/database.ts'

/** Titles and names the tests look for (or make sure are absent). */
export const marks = {
  unpublished: 'НЕОПУБЛИКОВАННОЕ событие',
  withheld: 'Скрытый Свидетельевич',
  withheldLatin: 'Withheld Witnessovich',
  named: 'Открытая Фамилия',
  sensitiveDay: '2023-05-17',
  sensitiveLat: 54.19311,
  markup: '<script>alert(1)</script> & "кавычки" \u0001',
  formulas: ['=HYPERLINK("http://evil.example","x")', '+7-495', '-2+3', '@SUM(A1)', '\tTAB', '\rCR'],
}

async function term(db: Db, vocabulary: 'event_type' | 'act_type' | 'region' | 'article', code: string) {
  await db
    .insertInto('vocab_terms')
    .values({
      vocabulary,
      code,
      labels: JSON.stringify({ ru: `ru ${code}`, en: `en ${code}`, uk: `uk ${code}` }),
      extra: '{}',
      proposed_by: null,
      decided_by: null,
    })
    .onConflict((oc) => oc.columns(['vocabulary', 'code']).doNothing())
    .execute()
  return (
    await db
      .selectFrom('vocab_terms')
      .select('id')
      .where('vocabulary', '=', vocabulary)
      .where('code', '=', code)
      .executeTakeFirstOrThrow()
  ).id
}

type EventValues = Parameters<ReturnType<Db['insertInto']>['values']>[0]

async function event(db: Db, values: Record<string, unknown>): Promise<number> {
  const row = await db
    .insertInto('chronicle_events')
    .values({
      title: JSON.stringify({ ru: 'Событие' }),
      summary: JSON.stringify({ ru: 'Описание' }),
      status: 'verified',
      published_at: new Date('2024-01-01T10:00:00Z'),
      start_date: '2024-01-01',
      start_precision: 'day',
      ...values,
    } as EventValues as never)
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('chronicle_sources')
    .values({
      event_id: row.id,
      url: 'https://example.org/s',
      description: null,
      publisher: 'Пример',
      published_on: null,
    })
    .execute()
  return Number(row.id)
}

/** Inserts the awkward events; returns their ids. */
export async function insertFixtures(db: Db) {
  const detention = await term(db, 'event_type', 'detention')
  const moscow = await term(db, 'region', 'RU-MOW')
  const tula = await term(db, 'region', 'RU-TUL')
  const actDetention = await term(db, 'act_type', 'detention')
  const fine = await term(db, 'act_type', 'fine')
  const article = await term(db, 'article', 'koap-20.3.3')

  const unpublished = await event(db, {
    title: JSON.stringify({ ru: marks.unpublished }),
    status: 'reported',
    published_at: null,
    type_id: detention,
    region_id: moscow,
  })
  const sensitive = await event(db, {
    title: JSON.stringify({ ru: 'Чувствительное событие' }),
    start_date: marks.sensitiveDay,
    end_date: marks.sensitiveDay,
    end_precision: 'day',
    sensitive: true,
    locality: 'Тула',
    latitude: marks.sensitiveLat,
    longitude: 37.61731,
    coord_precision: 'exact',
    type_id: detention,
    region_id: tula,
    published_at: new Date('2024-06-01T10:00:00Z'),
  })
  const withPersons = await event(db, {
    title: JSON.stringify({ ru: 'Событие с людьми', en: 'An event with people' }),
    type_id: detention,
    region_id: moscow,
    published_at: new Date('2024-06-02T10:00:00Z'),
  })
  const addPerson = async (values: Record<string, unknown>, actType: number, caseId: number | null) => {
    const person = await db
      .insertInto('chronicle_persons')
      .values(values as never)
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('chronicle_acts')
      .values({ event_id: withPersons, act_type_id: actType, person_id: Number(person.id), case_id: caseId })
      .execute()
  }
  const adminCase = await db
    .insertInto('chronicle_cases')
    .values({
      kind: 'administrative',
      court: null,
      region_id: moscow,
      outcome: 'fine',
      fine_minor: 3_000_000,
      term_months: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('chronicle_case_articles')
    .values({ case_id: Number(adminCase.id), article_id: article })
    .execute()
  await addPerson(
    {
      name_cyrillic: marks.withheld,
      name_latin: marks.withheldLatin,
      visibility: 'withheld',
      locality: 'Москва',
      birth_year: 1990,
    },
    actDetention,
    null,
  )
  await addPerson(
    { name_cyrillic: 'Аноним Анонимович', visibility: 'anonymous', locality: 'Москва', birth_year: 1996 },
    fine,
    Number(adminCase.id),
  )
  await addPerson(
    { name_cyrillic: marks.named, visibility: 'named', visibility_source: 'Решение суда', birth_year: 1980 },
    actDetention,
    null,
  )

  const hostile = await event(db, {
    title: JSON.stringify({ ru: marks.markup }),
    summary: JSON.stringify({ ru: marks.formulas.join(' ') }),
    subject: marks.formulas[0],
    organisers: marks.formulas[3],
    locality: marks.formulas[1],
    published_at: new Date('2024-06-03T10:00:00Z'),
  })
  const formulaTitles: number[] = []
  for (const formula of marks.formulas) {
    formulaTitles.push(
      await event(db, {
        title: JSON.stringify({ ru: formula }),
        published_at: new Date('2024-06-04T10:00:00Z'),
      }),
    )
  }
  const undated = await event(db, {
    title: JSON.stringify({ ru: 'Событие без даты' }),
    start_date: null,
    start_precision: 'unknown',
  })
  return { unpublished, sensitive, withPersons, hostile, formulaTitles, undated }
}
