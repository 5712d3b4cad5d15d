import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, test } from 'node:test'
import type { Kysely } from 'kysely'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import './tables.ts'

// Articles a later migration adds (migrations/20261209-140000-chronicle-articles-extremism-military.ts).
const laterArticles = (
  JSON.parse(
    readFileSync(
      new URL('../../../migrations/data/chronicle-articles-2026-12.json', import.meta.url),
      'utf8',
    ),
  ) as { article: { code: string }[] }
).article.map((term) => term.code)
// Countries and Georgia's occupied regions a later migration adds (migrations/20261210-140000-chronicle-countries.ts).
const countryCodes = (
  JSON.parse(
    readFileSync(new URL('../../../migrations/data/countries-iso3166-1.json', import.meta.url), 'utf8'),
  ) as { codes: string[] }
).codes
const georgianRegions = ['GE-AB', 'GE-TSKHINVALI']

let store: TestStore
before(async () => {
  store = await testStore()
})
after(async () => store.close())

test('the seed migration leaves 83 federal subjects and 6 occupied territories of Ukraine (2 of Georgia added later), each labelled in ru/en/uk', async () => {
  const regions = await store.db
    .selectFrom('vocab_terms')
    .select(['code', 'labels', 'extra', 'status'])
    .where('vocabulary', '=', 'region')
    .execute()
  assert.equal(regions.filter((r) => r.code.startsWith('RU-')).length, 83)
  const occupied = regions.filter((r) => r.extra.occupied === true).map((r) => r.code)
  assert.deepEqual(occupied.sort(), [
    ...georgianRegions,
    'UA-09',
    'UA-14',
    'UA-23',
    'UA-40',
    'UA-43',
    'UA-65',
  ])
  for (const region of regions) {
    assert.equal(region.status, 'approved')
    // The Tskhinvali region has no ISO 3166-2 code of its own (see the countries migration).
    assert.equal(region.extra.iso, region.code === 'GE-TSKHINVALI' ? undefined : region.code)
    assert.equal(region.extra.country, region.code.slice(0, 2))
    for (const language of ['ru', 'en', 'uk'] as const)
      assert.ok(region.labels[language]?.trim(), region.code)
  }
  const tula = regions.find((r) => r.code === 'RU-TUL')
  assert.deepEqual(tula?.labels, { ru: 'Тульская область', en: 'Tula Oblast', uk: 'Тульська область' })
  assert.equal(regions.find((r) => r.code === 'RU-KC')?.extra.kind, 'republic')
})

test('the seed holds the event types, act types and articles the chronicle names', async () => {
  const codes = async (vocabulary: 'event_type' | 'act_type' | 'article') =>
    (
      await store.db.selectFrom('vocab_terms').select('code').where('vocabulary', '=', vocabulary).execute()
    ).map((r) => r.code)
  const eventTypes = await codes('event_type')
  for (const code of ['protest', 'single_picket', 'refusal_to_serve', 'solidarity', 'other']) {
    assert.ok(eventTypes.includes(code), code)
  }
  assert.equal(eventTypes.length, 14)
  assert.equal((await codes('act_type')).length, 8)
  const articles = await codes('article')
  for (const code of [
    'koap-20.2',
    'koap-20.2.5',
    'koap-20.2.8',
    'koap-20.3.3',
    'koap-19.3',
    'uk-207.3',
    'uk-280.3',
  ]) {
    assert.ok(articles.includes(code), code)
  }
  for (const code of ['uk-275', 'uk-275.1', 'uk-205.2', 'uk-284.1', 'uk-212.1', 'uk-328', 'uk-354.1']) {
    assert.ok(articles.includes(code), code)
  }
  const discredit = await store.db
    .selectFrom('vocab_terms')
    .select(['labels', 'extra'])
    .where('vocabulary', '=', 'article')
    .where('code', '=', 'koap-20.3.3')
    .executeTakeFirstOrThrow()
  assert.equal(discredit.labels.ru, 'Дискредитация армии (ст. 20.3.3 КоАП)')
  assert.deepEqual(discredit.extra, { code: 'КоАП', number: '20.3.3' })
})

test('the seed migration goes down by code and up again', async () => {
  const migration = await import('../../../migrations/20261123-130100-chronicle-vocabularies.ts')
  const count = async () =>
    Number(
      (
        await store.db
          .selectFrom('vocab_terms')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const seeded = await count()
  // A term added later by hand is not the seed's to remove.
  await store.db
    .insertInto('vocab_terms')
    .values({ vocabulary: 'event_type', code: 'hand_made', labels: JSON.stringify({ en: 'Hand made' }) })
    .execute()
  await migration.down(store.db as unknown as Kysely<unknown>)
  // Left: the hand-made term, and those later migrations added.
  const left = await store.db.selectFrom('vocab_terms').select('code').execute()
  assert.deepEqual(
    left.map((row) => row.code).sort(),
    ['hand_made', ...laterArticles, ...countryCodes, ...georgianRegions].sort(),
  )
  await migration.up(store.db as unknown as Kysely<unknown>)
  assert.equal(await count(), seeded + 1)
})
