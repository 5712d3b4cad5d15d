import assert from 'node:assert/strict'
import { test } from 'node:test'
import { importTestStore, importText } from '../../testing/import.ts'
import { parseMapping } from './mapping.ts'

const store = importTestStore()

const fields = {
  externalId: { column: 'id' },
  'title.ru': { column: 'title' },
  type: { constant: 'picket' },
  region: { column: 'region' },
  locality: { column: 'town' },
}
const withCountry = parseMapping({
  name: 'countries',
  externalSource: 'countries-file',
  source: { description: 'Test file' },
  fields: { ...fields, country: { column: 'country', values: { Беларусия: 'BY' } } },
})
const withoutCountry = parseMapping({
  name: 'no-countries',
  externalSource: 'countries-file',
  source: { description: 'Test file' },
  fields,
})
const csv = (...rows: string[]) => `${['id,title,region,town,country', ...rows].join('\n')}\n`

const countries = async () =>
  Object.fromEntries(
    (
      await store.db
        .selectFrom('chronicle_events as e')
        .leftJoin('vocab_terms as c', 'c.id', 'e.country_id')
        .select(['e.external_id', 'c.code'])
        .execute()
    ).map((row) => [row.external_id, row.code]),
  )

test('a country is read as a code or a name in any language; a region implies its own', async () => {
  const report = await importText(
    store.db,
    withCountry,
    csv(
      '1,Акция,,Минск,BY',
      '2,Акция,,Берлин,Германия',
      '3,Акция,,Тбилиси,ge',
      '4,Акция,,Ереван,Armenia',
      '5,Акция,,Гомель,Белоруссия',
      '6,Акция,,Брест,Беларусия',
      '7,Акция,UA-43,Симферополь,',
      '8,Акция,Москва,,',
      '9,Акция,,,',
      '10,Акция,GE-AB,Сухум,Грузія',
    ),
  )
  assert.equal(report.errorCount, 0, JSON.stringify(report.errors))
  assert.deepEqual(await countries(), {
    1: 'BY',
    2: 'DE',
    3: 'GE',
    4: 'AM',
    5: 'BY',
    6: 'BY',
    7: 'UA',
    8: 'RU',
    9: null,
    10: 'GE',
  })
})

test('a region under another country, or an unknown country, is refused for its row', async () => {
  const report = await importText(
    store.db,
    withCountry,
    csv('1,Акция,UA-43,Симферополь,RU', '2,Акция,RU-MOW,Москва,UA', '3,Акция,,Атлантида,Atlantis'),
  )
  assert.deepEqual(
    report.errors.map((error) => [error.row, error.field, error.key]),
    [
      [1, 'region', 'chronicle.import.error.regionNotInCountry'],
      [2, 'region', 'chronicle.import.error.regionNotInCountry'],
      [3, 'country', 'chronicle.import.error.unknownCountry'],
    ],
  )
  assert.deepEqual(await countries(), {})
})

test('a mapping from before countries puts a place without a region in Russia', async () => {
  const report = await importText(
    store.db,
    withoutCountry,
    csv('1,Акция,,Тула,', '2,Акция,,,', '3,Акция,UA-14,,'),
  )
  assert.equal(report.errorCount, 0, JSON.stringify(report.errors))
  assert.deepEqual(await countries(), { 1: 'RU', 2: null, 3: 'UA' })
})
