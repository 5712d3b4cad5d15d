import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type TestApp, testApp } from '../../../../../test/support/app.ts'
import { ensureImportTerms, importText } from '../../testing/import.ts'
import { parseCount } from './counts.ts'
import { parseMapping } from './mapping.ts'
import { loadImportTerms } from './run.ts'

let t: TestApp
before(async () => {
  t = await testApp()
  await ensureImportTerms(t.store.db)
})
after(async () => t.close())

test('counts keep how they are known: a figure, a lower bound, an estimate', () => {
  const read = (raw: string) => {
    const count = parseCount(raw)
    return count && [count.value, count.qualifier]
  }
  assert.deepEqual(read('1 200'), [1200, 'exact'])
  assert.deepEqual(read('1000+'), [1000, 'at_least'])
  assert.deepEqual(read('более 50'), [50, 'at_least'])
  assert.deepEqual(read('понад 50'), [50, 'at_least'])
  assert.deepEqual(read('около 200'), [200, 'about'])
  assert.deepEqual(read('~30'), [30, 'about'])
  assert.deepEqual(read('десятки'), [20, 'at_least'])
  assert.equal(read('много'), null)
  assert.equal(read('-5'), null)
  assert.equal(read('12abc'), null)
})

const mapping = parseMapping({
  name: 'news',
  externalSource: 'news-file',
  source: { description: 'News reports' },
  status: 'verified',
  publish: true,
  fields: {
    externalId: { column: 'id' },
    'title.ru': { column: 'title' },
    type: { constant: 'protest' },
    region: { constant: 'RU-MOW' },
    startDate: { column: 'date', format: ['yyyy-mm-dd', 'yyyy-mm', 'yyyy'] },
    participants: { column: 'participants', values: { много: null } },
    detained: { column: 'detained' },
  },
})

const csv = `id,title,date,participants,detained
1,Акция у памятника,2022-03-05,1000+,более 50
2,Шествие,2022-03,около 200,~30
3,Пикеты,2022,много,десятки
4,Митинг,2022-09-21,300,12
`

test('a real file with mixed date precisions and qualified counts imports every row', async () => {
  const report = await importText(t.store.db, mapping, csv)
  assert.deepEqual(report.errors, [])
  assert.equal(report.inserted, 4)
  assert.deepEqual(
    report.warnings.map((warning) => [warning.row, warning.key, warning.value]),
    [[3, 'chronicle.import.warning.countFromWord', 'десятки → 20 (at_least)']],
  )
  const rows = await t.store.db
    .selectFrom('chronicle_events')
    .select([
      'external_id',
      'start_date',
      'start_precision',
      'participants',
      'participants_qualifier',
      'detained',
      'detained_qualifier',
    ])
    .where('external_source', '=', 'news-file')
    .orderBy('external_id')
    .execute()
  assert.deepEqual(
    rows.map((row) => [
      row.start_date,
      row.start_precision,
      row.participants,
      row.participants_qualifier,
      row.detained,
      row.detained_qualifier,
    ]),
    [
      ['2022-03-05', 'day', 1000, 'at_least', 50, 'at_least'],
      ['2022-03-01', 'month', 200, 'about', 30, 'about'],
      ['2022-01-01', 'year', null, 'exact', 20, 'at_least'],
      ['2022-09-21', 'day', 300, 'exact', 12, 'exact'],
    ],
  )
})

const get = (url: string, language = 'en') =>
  t.app.inject({ method: 'GET', url, headers: { 'accept-language': language } })

test('the API, the public page and the statistics say which counts are bounds or estimates', async () => {
  const first = await t.store.db
    .selectFrom('chronicle_events')
    .select('id')
    .where('external_source', '=', 'news-file')
    .where('external_id', '=', '1')
    .executeTakeFirstOrThrow()
  const api = (await get(`/api/v1/events/${first.id}`)).json()
  const event = api.event ?? api
  assert.equal(event.participants, 1000)
  assert.equal(event.participantsQualifier, 'at_least')
  assert.equal(event.detainedQualifier, 'at_least')
  const page = (await get(`/chronicle/events/${first.id}`)).body
  assert.match(page, /at least 1,000/)
  assert.match((await get(`/chronicle/events/${first.id}`, 'ru')).body, /не менее 1\s000/)
  const stats = (await get('/api/v1/stats')).json()
  assert.equal(stats.detainedQualified.atLeast, 2)
  assert.equal(stats.detainedQualified.about, 1)
  assert.match((await get('/chronicle/stats')).body, /2 give the number detained as a lower bound/)
  // With no count there is nothing to qualify: the API says null, not "exact".
  const third = await t.store.db
    .selectFrom('chronicle_events')
    .select('id')
    .where('external_source', '=', 'news-file')
    .where('participants', 'is', null)
    .executeTakeFirstOrThrow()
  const uncounted = (await get(`/api/v1/events/${third.id}`)).json()
  assert.equal((uncounted.event ?? uncounted).participantsQualifier, null)
  assert.equal((uncounted.event ?? uncounted).detainedQualifier, 'at_least')
})

test('a value map on a field that keeps its values as given is refused, not ignored', () => {
  assert.throws(
    () =>
      parseMapping({
        name: 'bad',
        externalSource: 'bad',
        source: { description: 'x' },
        fields: { 'title.ru': { column: 't', values: { a: 'b' } } },
      }),
    /valuesNotApplicable/,
  )
})

test('the seeded regions resolve by their names as files spell them', async () => {
  const terms = await loadImportTerms(t.store.db)
  const kc = terms.id('region', 'RU-KC')
  assert.ok(kc)
  for (const name of ['Karachay-Cherkessia', 'Karachay-Cherkess Republic', 'Карачаево-Черкесская Республика'])
    assert.equal(terms.id('region', name), kc, name)
  // The short names reports use, and either part of a two-part name.
  for (const [name, code] of [
    ['Карачаево-Черкесия', 'RU-KC'],
    ['Кабардино-Балкария', 'RU-KB'],
    ['Якутия', 'RU-SA'],
    ['Yakutia', 'RU-SA'],
    ['Республика Саха', 'RU-SA'],
    ['Чечня', 'RU-CE'],
    ['Chechen Republic', 'RU-CE'],
    ['ХМАО', 'RU-KHM'],
    ['Ханты-Мансийский автономный округ', 'RU-KHM'],
    ['Кемеровская область', 'RU-KEM'],
    ['Kemerovo Oblast', 'RU-KEM'],
    ['Кузбасс', 'RU-KEM'],
    ['Северная Осетия', 'RU-SE'],
    ['North Ossetia', 'RU-SE'],
    ['СПб', 'RU-SPE'],
    ['Moscow region', 'RU-MOS'],
    ['Tyva', 'RU-TY'],
    ['Крым', 'UA-43'],
  ] as const)
    assert.equal(terms.id('region', name), terms.id('region', code), name)
})
