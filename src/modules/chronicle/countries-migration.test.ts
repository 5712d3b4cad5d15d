import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type Kysely, sql } from 'kysely'
import * as migration from '../../../migrations/20261210-140000-chronicle-countries.ts'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { insertEvents } from './testing/events.ts'
import './tables.ts'

let store: TestStore
before(async () => {
  store = await testStore()
})
after(async () => store.close())

const raw = () => store.db as unknown as Kysely<unknown>
const regionId = async (code: string) =>
  (
    await store.db
      .selectFrom('vocab_terms')
      .select('id')
      .where('vocabulary', '=', 'region')
      .where('code', '=', code)
      .executeTakeFirstOrThrow()
  ).id

// The rollup as a recount from the events would make it, to compare the trigger-kept one with.
const rollupSums = async () =>
  (
    await sql<{ region_id: number; events: number; detained: number }>`
      SELECT region_id, sum(events)::int AS events, sum(detained)::int AS detained
      FROM chronicle_rollup GROUP BY region_id HAVING sum(events) <> 0 ORDER BY region_id`.execute(store.db)
  ).rows

test('the countries migration goes down and up on existing events, filling each one’s country', async () => {
  await migration.down(raw())
  // Events as they were before countries: a Russian region, an occupied territory, a locality
  // without a region, and no place at all.
  const published = { status: 'verified' as const, published_at: new Date(), start_precision: 'day' as const }
  const [moscow, crimea, tula, nowhere] = await insertEvents(store.db, [
    { ...published, start_date: '2023-05-01', region_id: await regionId('RU-MOW'), detained: 4 },
    {
      ...published,
      start_date: '2023-05-02',
      region_id: await regionId('UA-43'),
      locality: 'Ялта',
      detained: 1,
    },
    { ...published, start_date: '2023-05-03', locality: 'Тула' },
    { ...published, start_date: '2023-05-04' },
  ])
  const before = await rollupSums()

  await migration.up(raw())
  const rows = await store.db
    .selectFrom('chronicle_events as e')
    .leftJoin('vocab_terms as c', 'c.id', 'e.country_id')
    .select(['e.id', 'c.code'])
    .execute()
  const codes = Object.fromEntries(rows.map((row) => [row.id, row.code]))
  assert.deepEqual([codes[moscow!], codes[crimea!], codes[tula!], codes[nowhere!]], ['RU', 'UA', 'RU', null])
  // The rollups are recounted with the country as a key, and keep the same figures.
  assert.deepEqual(await rollupSums(), before)
  const byCountry = (
    await sql<{ code: string | null; events: number }>`
      SELECT c.code, sum(r.events)::int AS events FROM chronicle_rollup r
      LEFT JOIN vocab_terms c ON c.id = r.country_id GROUP BY c.code ORDER BY c.code`.execute(store.db)
  ).rows
  assert.deepEqual(byCountry, [
    { code: 'RU', events: 2 },
    { code: 'UA', events: 1 },
    { code: null, events: 1 },
  ])
  // Every region says its country; Georgia's occupied territories are Georgia's.
  const georgia = await store.db
    .selectFrom('vocab_terms')
    .select(['code', 'extra'])
    .where('vocabulary', '=', 'region')
    .where('code', 'like', 'GE-%')
    .orderBy('code')
    .execute()
  assert.deepEqual(
    georgia.map((term) => [term.code, term.extra.country, term.extra.occupied]),
    [
      ['GE-AB', 'GE', true],
      ['GE-TSKHINVALI', 'GE', true],
    ],
  )
  const countries = await store.db
    .selectFrom('vocab_terms')
    .select(['code', 'labels'])
    .where('vocabulary', '=', 'country')
    .execute()
  assert.equal(countries.length, 249)
  assert.deepEqual(countries.find((term) => term.code === 'BY')?.labels, {
    ru: 'Беларусь',
    en: 'Belarus',
    uk: 'Білорусь',
  })

  // A trigger-kept rollup after the migration: an event moves from Russia to Belarus.
  await store.db
    .updateTable('chronicle_events')
    .set({
      region_id: null,
      country_id: sql`(SELECT id FROM vocab_terms WHERE vocabulary = 'country' AND code = 'BY')`,
    })
    .where('id', '=', tula!)
    .execute()
  const after = (
    await sql<{ code: string | null; events: number }>`
      SELECT c.code, sum(r.events)::int AS events FROM chronicle_rollup r
      LEFT JOIN vocab_terms c ON c.id = r.country_id GROUP BY c.code HAVING sum(r.events) <> 0 ORDER BY c.code`.execute(
      store.db,
    )
  ).rows
  assert.deepEqual(after, [
    { code: 'BY', events: 1 },
    { code: 'RU', events: 1 },
    { code: 'UA', events: 1 },
    { code: null, events: 1 },
  ])
})
