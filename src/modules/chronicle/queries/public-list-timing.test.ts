/**
 * The public list stays fast on a realistic chronicle: 12,000 published events, each filter kind,
 * deep keyset pages. Timings are printed as diagnostics; the bound is loose (slow CI machines), the
 * benchmark (`npm run bench -- chronicle`) holds the real goals at a million events.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { sql } from 'kysely'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { ensureTerms } from '../testing/events.ts'

const EVENTS = 12_000
let t: TestApp

before(async () => {
  t = await testApp()
  const db = t.store.db
  await ensureTerms(db)
  await sql`
    INSERT INTO chronicle_events (title, summary, type_id, region_id, locality, start_date, start_precision, detained, status, sensitive, published_at)
    SELECT jsonb_build_object('ru', CASE WHEN g % 3 = 0 THEN 'Задержание участников акции № ' ELSE 'Пикет против войны № ' END || g,
                              'en', CASE WHEN g % 3 = 0 THEN 'Detention of protesters no. ' ELSE 'Anti-war picket no. ' END || g),
           jsonb_build_object('ru', 'Полиция задержала ' || (g % 17) || ' человек у здания администрации. Участников доставили в отдел.'),
           (SELECT array_agg(id ORDER BY id) FROM vocab_terms WHERE vocabulary = 'event_type')[1 + g % 9],
           (SELECT array_agg(id ORDER BY id) FROM vocab_terms WHERE vocabulary = 'region')[1 + (g * 7) % 5],
           'Город ' || (g % 50),
           CASE WHEN g % 97 = 0 THEN NULL ELSE date '2022-02-24' + (g % 1100) END,
           CASE WHEN g % 97 = 0 THEN 'unknown' WHEN g % 11 = 0 THEN 'month' ELSE 'day' END,
           g % 17,
           CASE WHEN g % 10 = 0 THEN 'disputed' ELSE 'verified' END,
           g % 13 = 0,
           now()
    FROM generate_series(1, ${EVENTS}) g`.execute(db)
  await sql`ANALYZE chronicle_events`.execute(db)
})
after(() => t.close())

async function timings(url: string, runs = 15): Promise<{ p50: number; p95: number; status: number }> {
  const times: number[] = []
  let status = 0
  await t.app.inject({ url, remoteAddress: '10.9.1.1' })
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    const response = await t.app.inject({ url, remoteAddress: `10.9.0.${i + 1}` })
    times.push(performance.now() - started)
    status = response.statusCode
  }
  times.sort((a, b) => a - b)
  return { p50: times[Math.floor(runs / 2)]!, p95: times[Math.ceil(runs * 0.95) - 1]!, status }
}

it(`lists ${EVENTS.toLocaleString('en')} events with facets, filters and search quickly`, async (context) => {
  const first = await t.app.inject({ url: '/chronicle' })
  const deepCursor = /rel="next" href="[^"]*after&#61;(\d+)"/.exec(first.body)?.[1]
  assert.ok(deepCursor)
  const lastDated = await t.store.db
    .selectFrom('chronicle_events')
    .select(['start_date', 'id'])
    .where('start_date', 'is not', null)
    .orderBy('start_date', 'asc')
    .orderBy('id', 'asc')
    .limit(1)
    .offset(60)
    .executeTakeFirstOrThrow()
  const cases: Record<string, string> = {
    'no filter (rollup facets)': '/chronicle',
    'region + months (rollup facets)': '/chronicle?region=RU-MOW&from=2023-01&to=2023-06',
    'type + status (scanned facets)': '/chronicle?type=picket&status=disputed',
    'day range (scanned facets, sensitive-aware)': '/chronicle?from=2023-01-15&to=2023-03-10',
    'search ru': `/chronicle?q=${encodeURIComponent('задержали')}`,
    'search en + region': '/chronicle?q=detention&region=RU-SPE',
    'deep page (keyset)': `/chronicle?after=${lastDated.id}`,
    'newer page (keyset)': `/chronicle?before=${lastDated.id}`,
  }
  const lines: string[] = []
  for (const [name, url] of Object.entries(cases)) {
    const { p50, p95, status } = await timings(url)
    assert.equal(status, 200, name)
    lines.push(`${name}: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`)
    assert.ok(p95 < 2000, `${name} took ${p95} ms`)
  }
  for (const line of lines) context.diagnostic(line)
})
