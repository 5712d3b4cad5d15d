import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { type TestStore, testStore } from '../../../../test/support/db.ts'
import { buildEvent } from './build.ts'
import { generateDemo } from './generate.ts'
import { seeded } from './random.ts'

let store: TestStore
let elapsed = 0
before(async () => {
  store = await testStore()
  const started = Date.now()
  await generateDemo(store.db, { events: 1000, seed: 7, batchSize: 400 })
  elapsed = Date.now() - started
})
after(() => store.close())

const rows = async <R>(query: ReturnType<typeof sql<R>>) => (await query.execute(store.db)).rows

describe('lifeline demo', () => {
  it('creates exactly the events asked for, all marked as demo data, each with a source', async () => {
    const [counts] = await rows<{ events: number; demo: number; unsourced: number }>(sql`
      SELECT count(*)::int AS events, count(*) FILTER (WHERE external_source = 'demo')::int AS demo,
        count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM chronicle_sources s WHERE s.event_id = e.id))::int AS unsourced
      FROM chronicle_events e`)
    assert.deepEqual(counts, { events: 1000, demo: 1000, unsourced: 0 })
    assert.ok(elapsed < 60_000, `1,000 events took ${elapsed} ms`)
  })

  it('puts Moscow and St Petersburg first, and every event after the invasion began', async () => {
    const regions = await rows<{ code: string; n: number }>(sql`
      SELECT r.code, count(*)::int AS n FROM chronicle_events e JOIN vocab_terms r ON r.id = e.region_id
      GROUP BY r.code ORDER BY n DESC`)
    assert.deepEqual(
      regions.slice(0, 2).map((row) => row.code),
      ['RU-MOW', 'RU-SPE'],
    )
    assert.ok(regions[0]!.n > 200 && regions[0]!.n < 500, `Moscow has ${regions[0]!.n}`)
    assert.ok(regions.length >= 15, 'events spread over many regions')
    const [range] = await rows<{ first: string; last: string; undated: number }>(sql`
      SELECT min(start_date)::text AS first, max(start_date)::text AS last,
        count(*) FILTER (WHERE start_date IS NULL)::int AS undated FROM chronicle_events`)
    assert.ok(range!.first >= '2022-01-01' && range!.last <= '2025-12-31', JSON.stringify(range))
  })

  it('has spikes on the known protest days', async () => {
    const [days] = await rows<{ spike: number; ordinary: number }>(sql`
      SELECT count(*) FILTER (WHERE start_date = '2022-03-06' AND start_precision = 'day')::int AS spike,
        count(*) FILTER (WHERE start_date = '2023-06-06' AND start_precision = 'day')::int AS ordinary
      FROM chronicle_events`)
    assert.ok(days!.spike >= 10, `6 March 2022 has ${days!.spike} events`)
    assert.ok(days!.spike > days!.ordinary * 5)
  })

  it('is mostly verified and published, with detentions the commonest type and the usual articles', async () => {
    const [status] = await rows<{ published: number; reported: number }>(sql`
      SELECT count(*) FILTER (WHERE published_at IS NOT NULL)::int AS published,
        count(*) FILTER (WHERE status = 'reported')::int AS reported FROM chronicle_events`)
    assert.ok(status!.published > 820 && status!.published < 950, `published: ${status!.published}`)
    assert.equal(status!.published + status!.reported, 1000)
    const types = await rows<{ code: string; n: number }>(sql`
      SELECT t.code, count(*)::int AS n FROM chronicle_events e JOIN vocab_terms t ON t.id = e.type_id
      GROUP BY t.code ORDER BY n DESC`)
    assert.equal(types[0]!.code, 'detention')
    assert.ok(types.length >= 10)
    const articles = await rows<{ code: string }>(sql`
      SELECT DISTINCT v.code FROM chronicle_case_articles ca JOIN vocab_terms v ON v.id = ca.article_id`)
    const codes = articles.map((row) => row.code)
    for (const code of ['koap-20.3.3', 'koap-20.2', 'uk-207.3']) assert.ok(codes.includes(code), code)
  })

  it('names few persons, and only with the record that allows it', async () => {
    const people = await rows<{ visibility: string; n: number; unsourced: number }>(sql`
      SELECT visibility, count(*)::int AS n,
        count(*) FILTER (WHERE visibility = 'named' AND visibility_source IS NULL)::int AS unsourced
      FROM chronicle_persons GROUP BY visibility`)
    const by = Object.fromEntries(people.map((row) => [row.visibility, row.n]))
    assert.ok(
      (by.named ?? 0) < (by.anonymous ?? 0) && (by.anonymous ?? 0) < (by.withheld ?? 0),
      JSON.stringify(by),
    )
    assert.ok(people.every((row) => row.unsourced === 0))
  })

  it('keeps the rollup in step with the events it wrote', async () => {
    const [sums] = await rows<{ rollup: number; events: number }>(sql`
      SELECT (SELECT sum(events)::int FROM chronicle_rollup) AS rollup,
        (SELECT count(*)::int FROM chronicle_events WHERE published_at IS NOT NULL AND start_date IS NOT NULL) AS events`)
    assert.equal(sums!.rollup, sums!.events)
  })

  it('makes the same events from the same seed', () => {
    const a = seeded(42)
    const b = seeded(42)
    for (let i = 0; i < 50; i++) assert.deepEqual(buildEvent(a, 42, i), buildEvent(b, 42, i))
    assert.notDeepEqual(buildEvent(seeded(1), 1, 0), buildEvent(seeded(2), 2, 0))
  })

  it('writes Russian titles that read naturally', () => {
    const random = seeded(3)
    const titles = Array.from({ length: 300 }, (_, i) => buildEvent(random, 3, i).title.ru)
    for (const title of titles) {
      assert.match(title, /^В [А-ЯЁ]/, title)
      assert.doesNotMatch(title, /undefined|null|\{|\}/, title)
    }
  })
})
