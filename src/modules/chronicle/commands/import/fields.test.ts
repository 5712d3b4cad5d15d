import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { importTestStore, importText } from '../../testing/import.ts'
import { parseMapping } from './mapping.ts'

const store = importTestStore()

const mapping = parseMapping({
  name: 'fields',
  externalSource: 'fields-file',
  source: { description: 'Test file' },
  publish: true,
  fields: {
    externalId: { column: 'id' },
    'title.ru': { column: 'title' },
    type: { constant: 'picket' },
    region: { constant: 'RU-MOW' },
    status: { column: 'status', values: { проверено: 'verified' } },
    startDate: { column: 'start' },
    startPrecision: { column: 'start_precision' },
    endDate: { column: 'end' },
    endPrecision: { column: 'end_precision' },
    latitude: { column: 'lat' },
    longitude: { column: 'lon' },
    coordPrecision: { column: 'coord' },
    sensitive: { column: 'blurred' },
    articles: { column: 'articles', separator: ' | ' },
    sources: { column: 'sources', separator: ' | ' },
  },
})
const header =
  'id,title,status,start,start_precision,end,end_precision,lat,lon,coord,blurred,articles,sources'
const csv = (...rows: string[]) => `${[header, ...rows].join('\n')}\n`

const event = (id: string) =>
  store.db
    .selectFrom('chronicle_events')
    .selectAll()
    .where('external_source', '=', 'fields-file')
    .where('external_id', '=', id)
    .executeTakeFirstOrThrow()

test('status, precisions, coordinate precision and the sensitive flag come from their own columns', async () => {
  const report = await importText(
    store.db,
    mapping,
    csv(
      '1,Пикет,verified,2022-03-15,month,2022-04-02,day,55.7,37.6,street,true,,',
      '2,Пикет,Disputed,2022-03-06,day,,unknown,,,,false,,',
      '3,Пикет,reported,2022-03-06,year,,,,,,,,',
      '4,Пикет,проверено,,unknown,,,,,,0,,',
    ),
  )
  assert.equal(report.errorCount, 0, JSON.stringify(report.errors))
  assert.equal(report.inserted, 4)
  const first = await event('1')
  // A month is stored as its first day, as the staff form stores it.
  assert.deepEqual(
    [first.status, first.start_date, first.start_precision, first.end_date, first.end_precision],
    ['verified', '2022-03-01', 'month', '2022-04-02', 'day'],
  )
  assert.deepEqual([first.coord_precision, first.sensitive], ['street', true])
  assert.ok(first.published_at)
  const second = await event('2')
  assert.deepEqual([second.status, second.sensitive, second.end_date], ['disputed', false, null])
  assert.ok(second.published_at, 'a disputed event is published, marked as disputed')
  const third = await event('3')
  assert.deepEqual([third.status, third.published_at, third.start_date], ['reported', null, '2022-01-01'])
  const fourth = await event('4')
  assert.deepEqual([fourth.status, fourth.start_date, fourth.start_precision], ['verified', null, 'unknown'])
})

test('bad statuses, precisions, coordinates and flags are reported by row and column', async () => {
  const report = await importText(
    store.db,
    mapping,
    csv(
      '1,Пикет,maybe,2022-03-06,week,,,,,,,,',
      '2,Пикет,verified,,day,2022-03-06,unknown,,,,,,',
      '3,Пикет,verified,2022-03-06,day,,,55.7,,meters,,,',
      '4,Пикет,verified,2022-03-06,day,,,,,street,perhaps,,',
    ),
  )
  assert.deepEqual(
    report.errors.map((error) => [error.row, error.column, error.key]),
    [
      [1, 'start_precision', 'chronicle.import.error.precision'],
      [1, 'status', 'chronicle.import.error.status'],
      [2, 'start_precision', 'chronicle.import.error.precisionWithoutDate'],
      [2, 'end_precision', 'chronicle.import.error.precisionWithDate'],
      [3, 'coord', 'chronicle.import.error.coordPrecision'],
      [3, 'lon', 'chronicle.import.error.coordinatesPair'],
      [4, 'blurred', 'chronicle.import.error.unknownValue'],
      [4, 'coord', 'chronicle.import.error.coordinatesNeeded'],
    ],
  )
  assert.equal(report.written, false)
})

test('articles become a charge and a case per kind; unknown codes are counted and never created', async () => {
  const rows = [
    '1,Суд,verified,2022-03-06,day,,,,,,,koap-20.2 | uk-207.3 | koap-20.3.3 | koap-20.2,',
    '2,Суд,verified,2022-03-06,day,,,,,,,uk-999 | koap-20.2,',
    '3,Суд,verified,2022-03-06,day,,,,,,,uk-999,',
  ]
  const dry = await importText(store.db, mapping, csv(...rows), { dryRun: true })
  assert.deepEqual(dry.unknownTerms, [
    { field: 'articles', vocabulary: 'article', value: 'uk-999', code: 'uk-999', count: 2 },
  ])
  assert.deepEqual(
    dry.errors.map((error) => [error.row, error.column, error.key]),
    [
      [2, 'articles', 'chronicle.import.error.unknownTerm'],
      [3, 'articles', 'chronicle.import.error.unknownTerm'],
    ],
  )
  assert.equal((await importText(store.db, mapping, csv(...rows))).written, false)
  const created = await store.db.selectFrom('vocab_terms').select('id').where('code', '=', 'uk-999').execute()
  assert.equal(created.length, 0)

  const blank = await importText(store.db, mapping, csv(...rows), { blankUnknown: true })
  assert.equal(blank.inserted, 3)
  const links = await sql<{
    external_id: string
    act: string
    kind: string
    person_id: null
    articles: string
  }>`
    SELECT e.external_id, t.code AS act, c.kind, a.person_id,
      (SELECT string_agg(v.code, ' ' ORDER BY v.code) FROM chronicle_case_articles ca
        JOIN vocab_terms v ON v.id = ca.article_id WHERE ca.case_id = c.id) AS articles
    FROM chronicle_events e JOIN chronicle_acts a ON a.event_id = e.id
    JOIN vocab_terms t ON t.id = a.act_type_id JOIN chronicle_cases c ON c.id = a.case_id
    ORDER BY e.external_id, c.kind`.execute(store.db)
  assert.deepEqual(
    links.rows.map((row) => [row.external_id, row.act, row.kind, row.person_id, row.articles]),
    [
      ['1', 'administrative_charge', 'administrative', null, 'koap-20.2 koap-20.3.3'],
      ['1', 'criminal_charge', 'criminal', null, 'uk-207.3'],
      ['2', 'administrative_charge', 'administrative', null, 'koap-20.2'],
    ],
  )
})

test('an article whose term names no code (КоАП or УК) refuses the row', async () => {
  await store.db
    .insertInto('vocab_terms')
    .values({ vocabulary: 'article', code: 'local-5', labels: '{}', extra: '{}' })
    .onConflict((oc) => oc.columns(['vocabulary', 'code']).doNothing())
    .execute()
  const report = await importText(store.db, mapping, csv('1,Суд,verified,2022-03-06,day,,,,,,,local-5,'))
  assert.deepEqual(
    report.errors.map((error) => [error.column, error.key, error.value]),
    [['articles', 'chronicle.import.error.articleKind', 'local-5']],
  )
})

test('several sources, links and descriptions, kept in file order; a re-import adds only what is missing', async () => {
  const first = '1,Пикет,verified,2022-03-06,day,,,,,,,koap-20.2,https://a.example/1 | https://b.example/2'
  await importText(store.db, mapping, csv(first))
  // An editor marks the event sensitive; the file says it is not.
  await store.db.updateTable('chronicle_events').set({ sensitive: true }).execute()
  const changed =
    '1,Пикет,verified,2022-03-06,day,,,,,,false,koap-20.2 | uk-207.3,"https://a.example/1 | Рассказ, записан 2 марта | https://b.example/2"'
  const report = await importText(store.db, mapping, csv(changed))
  assert.deepEqual([report.inserted, report.updated], [0, 1])
  const { id, sensitive } = await event('1')
  assert.equal(sensitive, true, 'a re-import never clears the sensitive flag')
  const sources = await store.db
    .selectFrom('chronicle_sources')
    .select(['url', 'description'])
    .where('event_id', '=', id)
    .orderBy('id')
    .execute()
  assert.deepEqual(sources, [
    { url: 'https://a.example/1', description: 'Test file' },
    { url: 'https://b.example/2', description: 'Test file' },
    { url: null, description: 'Рассказ, записан 2 марта' },
  ])
  const articles = await sql<{ code: string }>`
    SELECT v.code FROM chronicle_acts a JOIN chronicle_case_articles ca USING (case_id)
    JOIN vocab_terms v ON v.id = ca.article_id WHERE a.event_id = ${id} ORDER BY v.code`.execute(store.db)
  assert.deepEqual(
    articles.rows.map((row) => row.code),
    ['koap-20.2', 'uk-207.3'],
  )
})

test('sourceUrl takes a list of links and refuses an item that is not one', async () => {
  const { sources: _sources, ...fields } = mapping.fields
  const links = parseMapping({
    ...mapping,
    fields: { ...fields, sourceUrl: { column: 'sources', separator: ';' } },
  })
  const report = await importText(
    store.db,
    links,
    csv('1,Пикет,verified,2022-03-06,day,,,,,,,,https://a.example/1;не ссылка'),
  )
  assert.deepEqual(
    report.errors.map((error) => [error.column, error.key, error.value]),
    [['sources', 'chronicle.import.error.url', 'не ссылка']],
  )
})

test('a separator is only for list fields; a status column lets a mapping publish', () => {
  assert.throws(
    () =>
      parseMapping({ ...mapping, fields: { ...mapping.fields, type: { column: 'type', separator: ',' } } }),
    /fields\.type\.separator: chronicle\.import\.mapping\.notAList/,
  )
  const { status: _status, ...withoutStatus } = mapping.fields
  assert.throws(() => parseMapping({ ...mapping, fields: withoutStatus }), /publishNeedsVerified/)
  assert.equal(parseMapping(mapping).publish, true)
})
