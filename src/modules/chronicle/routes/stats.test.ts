import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { assertWellFormedXml } from '../../../../test/support/xml.ts'
import { resolveFilter } from '../queries/filters.ts'
import { computeStats } from '../queries/stats.ts'
import { statsQuerySchema } from '../schema/filter.ts'

let t: TestApp
const ids: Record<string, number> = {}
// English names as stored: the seeded vocabulary's when it is there, else the code.
const names: Record<string, string> = {}
const reEscape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

async function term(vocabulary: 'event_type' | 'region' | 'article' | 'act_type', code: string, en = code) {
  await t.store.db
    .insertInto('vocab_terms')
    .values({ vocabulary, code, labels: JSON.stringify({ ru: en, en, uk: en }) })
    .onConflict((oc) => oc.columns(['vocabulary', 'code']).doNothing())
    .execute()
  const row = await t.store.db
    .selectFrom('vocab_terms')
    .select(['id', 'labels'])
    .where('vocabulary', '=', vocabulary)
    .where('code', '=', code)
    .executeTakeFirstOrThrow()
  ids[`${vocabulary}:${code}`] = row.id
  names[code] = row.labels.en ?? code
  return row.id
}

type EventSpec = {
  region?: string
  type?: string
  date: string | null
  detained: number
  published?: boolean
  status?: 'reported' | 'verified' | 'disputed'
  sensitive?: boolean
  title?: string
}

async function event(spec: EventSpec): Promise<number> {
  const status = spec.status ?? (spec.published === false ? 'reported' : 'verified')
  const row = await t.store.db
    .insertInto('chronicle_events')
    .values({
      title: JSON.stringify({ en: spec.title ?? 'An event', ru: spec.title ?? 'Событие' }),
      region_id: spec.region ? ids[`region:${spec.region}`]! : null,
      type_id: spec.type ? ids[`event_type:${spec.type}`]! : null,
      start_date: spec.date,
      start_precision: spec.date ? 'day' : 'unknown',
      detained: spec.detained,
      status,
      sensitive: spec.sensitive ?? false,
      published_at: spec.published === false ? null : new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { 'accept-language': 'en' } })

/** A direct COUNT/SUM over published events with an optional extra condition. */
async function direct(where = sql`true`) {
  const row = await sql<{ events: number; detained: number }>`
    SELECT count(*)::int AS events, coalesce(sum(detained), 0)::int AS detained
    FROM chronicle_events e WHERE published_at IS NOT NULL AND ${where}`.execute(t.store.db)
  return row.rows[0]!
}

async function stats(query: Record<string, string | string[]>) {
  const filter = statsQuerySchema.parse(query)
  return computeStats(t.store.db, await resolveFilter(t.store.db, filter))
}

/** Sums the events and detained columns of a statistics CSV. */
function csvTotals(body: string) {
  const lines = body.trimEnd().split('\r\n')
  const header = lines[0]!.split(',')
  const [e, d] = [header.indexOf('events'), header.indexOf('detained')]
  let events = 0
  let detained = 0
  for (const line of lines.slice(1)) {
    const cells = line.split(',')
    events += Number(cells.at(e - header.length))
    detained += Number(cells.at(d - header.length))
  }
  return { events, detained }
}

let moscowProtest = 0
before(async () => {
  t = await testApp()
  for (const code of ['protest', 'picket', 'detention']) await term('event_type', code)
  await term('event_type', 'stats-formula', '=HYPERLINK("http://evil.example","x")')
  for (const code of ['RU-MOW', 'RU-SPE', 'RU-TUL', 'UA-43']) await term('region', code)
  for (const code of ['uk-207.3', 'koap-20.2']) await term('article', code)
  await term('act_type', 'criminal_charge')

  moscowProtest = await event({
    region: 'RU-MOW',
    type: 'protest',
    date: '2022-02-24',
    detained: 100,
    title: 'Rally against the war',
  })
  await event({ region: 'RU-MOW', type: 'picket', date: '2022-03-06', detained: 5, sensitive: true })
  await event({ region: 'RU-SPE', type: 'protest', date: '2022-03-15', detained: 30, status: 'disputed' })
  const tula = await event({ region: 'RU-TUL', type: 'detention', date: '2022-04-01', detained: 6 })
  await event({ region: 'UA-43', type: 'picket', date: '2022-04-20', detained: 2 })
  await event({ region: 'RU-MOW', type: 'protest', date: '2022-03-10', detained: 1000, published: false })
  await event({
    region: 'RU-MOW',
    type: 'protest',
    date: '2022-03-11',
    detained: 50,
    status: 'verified',
    published: false,
  })
  await event({ region: 'RU-MOW', type: 'protest', date: null, detained: 3 })
  await event({ date: '2022-05-02', detained: 1 })
  await event({ region: 'RU-TUL', type: 'stats-formula', date: '2022-05-03', detained: 0 })

  const kase = await t.store.db
    .insertInto('chronicle_cases')
    .values({ kind: 'criminal' })
    .returning('id')
    .executeTakeFirstOrThrow()
  await t.store.db
    .insertInto('chronicle_case_articles')
    .values([
      { case_id: kase.id, article_id: ids['article:uk-207.3']! },
      { case_id: kase.id, article_id: ids['article:koap-20.2']! },
    ])
    .execute()
  // Two acts under the same case: the event must still count once per article.
  await t.store.db
    .insertInto('chronicle_acts')
    .values([
      { event_id: tula, act_type_id: ids['act_type:criminal_charge']!, case_id: kase.id },
      { event_id: tula, act_type_id: ids['act_type:criminal_charge']!, case_id: kase.id },
    ])
    .execute()
})
after(() => t.close())

describe('statistics figures', () => {
  it('agree with a direct count on the page, in every CSV and in the JSON, without a filter', async () => {
    const expected = await direct()
    assert.deepEqual(expected, { events: 8, detained: 147 })
    const s = await stats({})
    assert.equal(s.source, 'rollup')
    assert.deepEqual(s.totals, expected)

    const json = (await get('/api/v1/stats')).json()
    assert.deepEqual(json.totals, expected)
    const page = await get('/chronicle/stats')
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /In all: 8 events, 147 people detained\./)
    for (const breakdown of ['month', 'region', 'type']) {
      const csv = await get(`/chronicle/stats/${breakdown}.csv`)
      assert.equal(csv.statusCode, 200)
      assert.match(String(csv.headers['content-type']), /^text\/csv/)
      assert.deepEqual(csvTotals(csv.body), expected, breakdown)
    }
  })

  it('never counts unpublished events', async () => {
    const s = await stats({ region: 'RU-MOW', from: '2022-03', to: '2022-03' })
    assert.deepEqual(s.totals, { events: 1, detained: 5 })
    const json = (await get('/api/v1/stats?region=RU-MOW&from=2022-03&to=2022-03')).json()
    assert.deepEqual(json.totals, { events: 1, detained: 5 })
  })

  it('answers region + whole months from the rollup, with the same figures as a direct count', async () => {
    const query = 'region=RU-MOW&region=RU-SPE&from=2022-02&to=2022-03'
    const s = await stats({ from: '2022-02', to: '2022-03' })
    assert.equal(s.source, 'rollup')
    const expected = await direct(
      sql`region_id IN (${ids['region:RU-MOW']}, ${ids['region:RU-SPE']}) AND start_date BETWEEN '2022-02-01' AND '2022-03-31'`,
    )
    assert.deepEqual(expected, { events: 3, detained: 135 })
    assert.deepEqual((await get(`/api/v1/stats?${query}`)).json().totals, expected)
    assert.deepEqual(csvTotals((await get(`/chronicle/stats/type.csv?${query}`)).body), expected)
    assert.match((await get(`/chronicle/stats?${query}`)).body, /In all: 3 events, 135 people detained\./)
  })

  it('answers a status from the rollup, with the same figures as a direct count', async () => {
    for (const status of ['disputed', 'verified']) {
      const s = await stats({ status, from: '2022-03', to: '2022-03' })
      assert.equal(s.source, 'rollup')
      const expected = await direct(
        sql`status = ${status} AND start_date BETWEEN '2022-03-01' AND '2022-03-31'`,
      )
      assert.deepEqual(s.totals, expected, status)
      assert.deepEqual(
        (await get(`/api/v1/stats?status=${status}&from=2022-03&to=2022-03`)).json().totals,
        expected,
      )
      // Undated events are counted beside the rollup when there is no date range.
      assert.deepEqual((await stats({ status })).totals, await direct(sql`status = ${status}`), status)
    }
  })

  it('falls back to the events for a search, several articles or days, with the same totals', async () => {
    const cases: [Record<string, string | string[]>, { events: number; detained: number }][] = [
      [{ q: 'rally' }, await direct(sql`e.id = ${moscowProtest}`)],
      [
        { q: 'rally', status: 'disputed' },
        { events: 0, detained: 0 },
      ],
      [
        // Several articles: the article rollup would count an event with both twice.
        { article: ['uk-207.3', 'koap-20.2'] },
        { events: 1, detained: 6 },
      ],
      [
        { from: '2022-03-07', to: '2022-04-01' },
        await direct(sql`start_date BETWEEN '2022-03-07' AND '2022-04-01'`),
      ],
    ]
    for (const [query, expected] of cases) {
      const s = await stats(query)
      assert.equal(s.source, 'events', JSON.stringify(query))
      assert.deepEqual(s.totals, expected, JSON.stringify(query))
      const qs = new URLSearchParams(
        Object.entries(query).flatMap(([key, value]) => [value].flat().map((item) => [key, item])),
      ).toString()
      assert.deepEqual((await get(`/api/v1/stats?${qs}`)).json().totals, expected)
      assert.deepEqual(csvTotals((await get(`/chronicle/stats/region.csv?${qs}`)).body), expected)
    }
  })

  it('answers one article from the article rollup, with the same figures as a count', async () => {
    const queries: Record<string, string>[] = [
      { article: 'uk-207.3' },
      { article: 'koap-20.2', from: '2022-01' },
    ]
    for (const query of queries) {
      const s = await stats(query)
      assert.equal(s.source, 'rollup', JSON.stringify(query))
      // The same filter ending on a day rather than a month's end is a scan of the events.
      const scanned = await stats({ ...query, to: '2030-12-30' })
      assert.equal(scanned.source, 'events')
      assert.deepEqual(
        [s.totals, s.byRegion, s.byType, s.byArticle],
        [scanned.totals, scanned.byRegion, scanned.byType, scanned.byArticle],
        JSON.stringify(query),
      )
    }
    assert.deepEqual((await stats({ article: 'uk-207.3' })).totals, { events: 1, detained: 6 })
  })

  it('counts an event once per article, however many acts name the case', async () => {
    const s = await stats({})
    const articles = Object.fromEntries(s.byArticle.map((row) => [row.code, [row.events, row.detained]]))
    assert.deepEqual(articles, { 'uk-207.3': [1, 6], 'koap-20.2': [1, 6] })
  })

  it('matches a sensitive event by its public (month) date, so a range of days does not reveal its day', async () => {
    // The sensitive picket of 6 March is public as "March 2022" (dated the 1st).
    assert.equal((await stats({ region: 'RU-MOW', from: '2022-03-06', to: '2022-03-06' })).totals.events, 0)
    assert.equal((await stats({ region: 'RU-MOW', from: '2022-03-01', to: '2022-03-01' })).totals.events, 1)
  })

  it('keeps undated events in the totals and under "date unknown"', async () => {
    const s = await stats({ region: 'RU-MOW' })
    assert.equal(s.source, 'rollup')
    assert.deepEqual(s.totals, { events: 3, detained: 108 })
    assert.deepEqual(s.byMonth.at(-1), { month: null, events: 1, detained: 3 })
    // Months without events between the first and the last are there, as zeros.
    assert.deepEqual(
      s.byMonth.map((row) => row.month),
      ['2022-02', '2022-03', null],
    )
  })

  it('follows an edit of a published event (the rollup trigger)', async () => {
    const before = (await get('/api/v1/stats')).json().totals
    await t.store.db
      .updateTable('chronicle_events')
      .set({ detained: 160 })
      .where('id', '=', moscowProtest)
      .execute()
    const after = (await get('/api/v1/stats')).json().totals
    assert.deepEqual(after, { events: before.events, detained: before.detained + 60 })
    assert.deepEqual(after, await direct())
    assert.match((await get('/chronicle/stats')).body, new RegExp(`${after.detained} people detained`))
    await t.store.db
      .updateTable('chronicle_events')
      .set({ published_at: null })
      .where('id', '=', moscowProtest)
      .execute()
    assert.deepEqual((await get('/api/v1/stats')).json().totals, await direct())
    await t.store.db
      .updateTable('chronicle_events')
      .set({ published_at: new Date(), detained: 100 })
      .where('id', '=', moscowProtest)
      .execute()
    assert.deepEqual((await get('/api/v1/stats')).json().totals, before)
  })
})

describe('statistics outputs', () => {
  it('prefixes CSV cells that a spreadsheet would run as a formula', async () => {
    const csv = (await get('/chronicle/stats/type.csv')).body
    assert.match(csv, /^code,name,events,detained\r\n/)
    assert.match(csv, /\r\nstats-formula,"'=HYPERLINK\(""http:\/\/evil\.example"",""x""\)",1,0\r\n/)
    assert.doesNotMatch(csv, /(^|,)"?=/m)
  })

  it('draws well-formed SVG with no script, a label and a title per region', async () => {
    const page = (await get('/chronicle/stats?measure=detained')).body
    const svgs = page.match(/<svg[\s\S]*?<\/svg>/g) ?? []
    assert.ok(svgs.length >= 5)
    for (const svg of svgs) {
      assertWellFormedXml(svg)
      assert.doesNotMatch(svg, /<script|\son\w+=|javascript:/i)
      if (!svg.includes('aria-hidden')) assert.match(svg, /role="img" aria-label="[^"]+"/)
    }
    const map = svgs.find((svg) => svg.includes('Map of Russia'))!
    assert.match(map, new RegExp(`<title>${reEscape(names['RU-MOW']!)}: 108 people detained</title>`))
    assert.match(map, new RegExp(`<title>${reEscape(names['RU-TUL']!)}: 6 people detained</title>`))
    // Crimea has no shape: it is in the table beside the map instead.
    assert.doesNotMatch(map, new RegExp(reEscape(names['UA-43']!)))
    assert.match(
      page,
      new RegExp(
        // An occupied territory is named as such (see the countries migration).
        `Regions not on the map[\\s\\S]*<th scope="row">${reEscape(names['UA-43']!)} \\(occupied\\)</th><td class="num">1</td><td class="num">2</td>`,
      ),
    )
    assert.match(page, /<caption[^>]*>Events and people detained by month<\/caption>/)
    assert.match(page, /href="\/chronicle\/stats\/region\.csv"/)
  })

  it('folds every table under a chart into a closed disclosure, and says each chart’s gist in words beside it', async () => {
    const page = (await get('/chronicle/stats?measure=detained')).body
    const tables = page.match(/<table>/g)?.length ?? 0
    const folded = [
      ...page.matchAll(
        /<details class="disclosure"><summary>Table: [^<]+<\/summary>\s*<div class="table-wrap"[^>]*><table>/g,
      ),
    ]
    assert.ok(tables >= 4)
    assert.equal(folded.length, tables, 'every table is in a closed <details>')
    // Without SVG the figures still read: the peak month, the top regions, the map's top regions.
    const summaries = [...page.matchAll(/class="chart-summary">([^<]+)</g)].map((match) => match[1]!)
    assert.ok(summaries.length >= 5)
    assert.match(summaries[0]!, /^From .+ to .+; the most in .+: \d+ people detained\.$/)
    assert.ok(summaries.some((text) => text.startsWith(`The most: ${names['RU-MOW']} — 108 people detained`)))
  })

  it('links the CSV and JSON of the same filter', async () => {
    const body = (await get('/chronicle/stats?region=RU-MOW&from=2022-02&to=2022-03&measure=detained')).body
    // ghtml escapes `=` and `&` in attributes as numeric references.
    const page = body.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)))
    assert.match(page, /href="\/chronicle\/stats\/month\.csv\?region=RU-MOW&from=2022-02&to=2022-03"/)
    assert.match(page, /href="\/api\/v1\/stats\?region=RU-MOW&from=2022-02&to=2022-03"/)
  })
})

describe('hostile statistics queries', () => {
  const hostile = [
    'from=2022-13',
    'from=2022-02-30',
    'to=yesterday',
    'from=2022-05&to=2022-01',
    'from=2022-01&from=2022-02',
    'measure=everything',
    'status=reported',
    `q=${'x'.repeat(5000)}`,
    'q=%00%01',
    'q=%EF%BF%BD',
    "region=RU-MOW'%20OR%201=1--",
    'type=%3Cscript%3Ealert(1)%3C/script%3E',
    'region[]=RU-MOW',
    'q[a]=1',
    'q=%ff%fe',
    'from=%E0%A4%A',
    Array.from({ length: 2000 }, (_, i) => `region=RU-X${i}`).join('&'),
  ]
  for (const query of hostile) {
    it(`answers ?${query.slice(0, 40)} with 400 and a message, or ignores it`, async () => {
      for (const path of ['/chronicle/stats', '/chronicle/stats/month.csv', '/api/v1/stats']) {
        const response = await get(`${path}?${query}`)
        assert.ok([200, 400].includes(response.statusCode), `${path}?${query}: ${response.statusCode}`)
        assert.doesNotMatch(response.body, /<script>alert/)
        if (response.statusCode === 400 && path.startsWith('/api/')) {
          assert.equal(response.json().error.code, 'ERR_STATS_FILTER')
        }
        if (response.statusCode === 400 && path === '/chronicle/stats') {
          assert.match(response.body, /class="error-summary"/)
        }
      }
    })
  }

  it('takes a search with SQL and markup as plain words', async () => {
    const response = await get(
      `/api/v1/stats?q=${encodeURIComponent("'); DROP TABLE chronicle_events; -- <b>")}`,
    )
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json().totals, { events: 0, detained: 0 })
    assert.ok((await direct()).events > 0)
  })

  it('matches nothing for an unknown code rather than widening the filter', async () => {
    assert.deepEqual((await get('/api/v1/stats?region=RU-XXX')).json().totals, { events: 0, detained: 0 })
  })
})
