/**
 * A small chronicle that sets every field an export can carry, written by hand so that no field is
 * left to what a generator happens to fill: three languages, every date precision, qualified counts,
 * sources with every property, acts of every type with named, anonymous, withheld and group persons,
 * cases of both kinds with outcomes, fines, terms and article parts, coordinates, sensitive events,
 * and a person and a case shared by two events.
 */
import { sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import { ensureTerms, insertEvents, insertPerson } from './events.ts'

/** Inserts the chronicle; returns its events' ids. */
export async function everyFieldChronicle(db: Db): Promise<number[]> {
  const t = await ensureTerms(db)
  // Countries and occupied regions come with the migrations' seed, not with ensureTerms.
  const term = async (vocabulary: 'country' | 'region', code: string) =>
    (
      await db
        .selectFrom('vocab_terms')
        .select('id')
        .where('vocabulary', '=', vocabulary)
        .where('code', '=', code)
        .executeTakeFirstOrThrow()
    ).id
  const [russia, germany, belarus, ukraine, crimea] = await Promise.all([
    term('country', 'RU'),
    term('country', 'DE'),
    term('country', 'BY'),
    term('country', 'UA'),
    term('region', 'UA-43'),
  ])
  const events = await insertEvents(db, [
    {
      title: { ru: 'Пикет «Нет войне», 2', en: '"No to war", a picket', uk: 'Пікет «Ні війні»' },
      summary: { ru: 'Задержаны\nдвое', en: '=HYPERLINK("http://x")', uk: '-5 градусів' },
      type_id: t.event_type.picket,
      start_date: '2022-03-05',
      start_precision: 'day',
      end_date: '2022-03-06',
      end_precision: 'day',
      region_id: t.region['RU-MOW'],
      country_id: russia,
      locality: 'Москва',
      latitude: 55.7558,
      longitude: 37.6173,
      coord_precision: 'exact',
      participants: 1000,
      participants_qualifier: 'at_least',
      detained: 25,
      authorised: false,
      subject: '+7 лозунгов',
      organisers: '@группа, "Весна"\nи другие',
    },
    {
      title: { ru: 'Суд по делу о «фейках»' },
      summary: { ru: 'Приговор' },
      type_id: t.event_type.trial,
      status: 'disputed',
      start_date: '2022-04-01',
      start_precision: 'month',
      end_date: '2022-06-01',
      end_precision: 'month',
      region_id: t.region['RU-SPE'],
      country_id: russia,
      locality: 'Санкт-Петербург',
      latitude: 59.93,
      longitude: 30.33,
      coord_precision: 'street',
      participants: 200,
      participants_qualifier: 'about',
      detained: 3,
      detained_qualifier: 'about',
      authorised: true,
      sensitive: true,
    },
    {
      title: { en: 'Searches in Tula' },
      summary: { uk: 'Обшуки' },
      type_id: t.event_type.search,
      start_date: '2023-01-01',
      start_precision: 'year',
      region_id: t.region['RU-TUL'],
      country_id: russia,
      latitude: 54.2,
      longitude: -37.6,
      coord_precision: 'region',
    },
    { title: { ru: 'Без даты' }, start_precision: 'unknown', detained: 40, detained_qualifier: 'at_least' },
    // Abroad (a town and a country, no region), in Belarus, and in an occupied territory.
    {
      title: { ru: 'Акция солидарности в Берлине', en: 'Solidarity action in Berlin' },
      type_id: t.event_type.rally,
      start_date: '2022-03-13',
      start_precision: 'day',
      country_id: germany,
      locality: 'Berlin',
      participants: 3000,
      participants_qualifier: 'about',
    },
    {
      title: { ru: 'Задержания в Минске' },
      type_id: t.event_type.detention,
      start_date: '2022-02-27',
      start_precision: 'day',
      country_id: belarus,
      locality: 'Минск',
      detained: 800,
      detained_qualifier: 'at_least',
    },
    {
      title: { uk: 'Затримання в Сімферополі' },
      type_id: t.event_type.detention,
      start_date: '2022-03-06',
      start_precision: 'day',
      region_id: crimea,
      country_id: ukraine,
      locality: 'Сімферополь',
      detained: 5,
    },
  ])
  const [first = 0, second = 0, third = 0, fourth = 0, berlin = 0, minsk = 0, crimeaEvent = 0] = events
  await sql`INSERT INTO chronicle_sources (event_id, url, description, publisher, published_on, reliability) VALUES
    (${first}, 'https://ovd.info/news/1', 'Репортаж, с фото', 'ОВД-Инфо', '2022-03-06', 'high'),
    (${first}, NULL, 'Рассказ задержанной, записан 2 марта', NULL, NULL, 'medium'),
    (${first}, 'https://t.me/x/2', NULL, 'Telegram', NULL, 'low'),
    (${second}, 'https://mediazona.ru/3', 'Приговор', 'Медиазона', '2022-06-02', 'unknown'),
    (${third}, 'https://example.org/4', NULL, NULL, '2023-02-01', 'medium'),
    (${fourth}, NULL, 'Отчёт группы поддержки', 'Группа', NULL, 'unknown'),
    (${berlin}, 'https://example.org/berlin', NULL, 'Tagesspiegel', '2022-03-14', 'medium'),
    (${minsk}, 'https://spring96.org/5', NULL, 'Вясна', NULL, 'high'),
    (${crimeaEvent}, 'https://example.org/crimea', 'Свідчення', NULL, NULL, 'medium')`.execute(db)
  const named = await insertPerson(db, {
    name_cyrillic: 'Иванова Мария',
    name_latin: 'Maria Ivanova',
    visibility: 'named',
    visibility_source: 'consent',
  })
  const anonymous = await insertPerson(db, { visibility: 'anonymous', locality: 'Химки', birth_year: 1990 })
  const withheld = await insertPerson(db, { visibility: 'withheld', name_cyrillic: 'Скрытый Человек' })
  const group = await insertPerson(db, { kind: 'group', group_size: 12, visibility: 'anonymous' })
  const namedGroup = await insertPerson(db, {
    kind: 'group',
    group_size: 4,
    name_cyrillic: 'Весна',
    visibility: 'named',
    visibility_source: 'public court record',
  })
  const cases = await db
    .insertInto('chronicle_cases')
    .values([
      {
        kind: 'administrative',
        court: 'Тверской суд',
        status: 'closed',
        outcome: 'fine',
        fine_minor: 3_000_000,
      },
      { kind: 'criminal', court: 'Куйбышевский суд', status: 'appeal', outcome: 'term', term_months: 84 },
      { kind: 'criminal', status: 'open', outcome: 'suspended', term_months: 24 },
      { kind: 'administrative', status: 'closed', outcome: 'acquitted' },
    ])
    .returning('id')
    .execute()
  const [admin = 0, criminal = 0, suspended = 0, acquitted = 0] = cases.map((row) => row.id)
  await db
    .insertInto('chronicle_case_articles')
    .values([
      { case_id: admin, article_id: t.article['koap-20.2']!, part: '5', paragraph: null },
      { case_id: admin, article_id: t.article['koap-20.3.3']!, part: null, paragraph: null },
      { case_id: criminal, article_id: t.article['uk-207.3']!, part: '2', paragraph: 'д' },
      { case_id: suspended, article_id: t.article['uk-280.3']!, part: '1', paragraph: null },
      { case_id: acquitted, article_id: t.article['koap-20.2']!, part: null, paragraph: null },
    ])
    .execute()
  const act = (event: number, type: string, person: number | null, caseId: number | null) => ({
    event_id: event,
    act_type_id: t.act_type[type]!,
    person_id: person,
    case_id: caseId,
  })
  await db
    .insertInto('chronicle_acts')
    .values([
      act(first, 'detention', named, null),
      act(first, 'administrative_charge', named, admin),
      act(first, 'detention', anonymous, null),
      act(first, 'detention', withheld, null),
      act(first, 'administrative_charge', withheld, acquitted),
      act(first, 'detention', group, null),
      act(first, 'fine', named, admin),
      act(second, 'criminal_charge', named, criminal),
      act(second, 'sentence', named, criminal),
      act(second, 'criminal_charge', namedGroup, suspended),
      act(third, 'search', anonymous, null),
      act(third, 'search', null, null),
      act(fourth, 'administrative_charge', null, admin),
    ])
    .execute()
  return events
}
