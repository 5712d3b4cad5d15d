import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type RawBuilder, sql } from 'kysely'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { eventFilterSchema } from '../schema/filter.ts'
import { ensureTerms, insertAct, insertCase, insertEvents, type TermIds } from '../testing/events.ts'
import { ARTICLE_FACET_SCOPE, FACET_SCAN_SCOPE, type Facets, facetCounts } from './facets.ts'
import { resolveFilter } from './filters.ts'

// More events than the article facet counts over, in Moscow and Saint Petersburg; a few in Tula.
const MANY = ARTICLE_FACET_SCOPE + 500
let t: TestApp
let terms: TermIds

before(async () => {
  t = await testApp()
  const db = t.store.db
  terms = await ensureTerms(db)
  await sql`
    INSERT INTO chronicle_events (title, type_id, region_id, start_date, start_precision, status, sensitive, published_at)
    SELECT '{"en": "Picket"}',
           (ARRAY[${terms.event_type.protest}, ${terms.event_type.picket}, ${terms.event_type.detention}]::int[])[1 + g % 3],
           (ARRAY[${terms.region['RU-MOW']}, ${terms.region['RU-SPE']}]::int[])[1 + g % 2],
           CASE WHEN g % 101 = 0 THEN NULL ELSE date '2023-01-01' + g % 365 END,
           CASE WHEN g % 101 = 0 THEN 'unknown' ELSE 'day' END,
           CASE WHEN g % 5 = 0 THEN 'disputed' ELSE 'verified' END,
           g % 7 = 0,
           CASE WHEN g % 50 = 0 THEN NULL ELSE now() END
    FROM generate_series(1, ${MANY}) g`.execute(db)
  const tula = { region_id: terms.region['RU-TUL'], type_id: terms.event_type.detention }
  const [twice, both] = await insertEvents(db, [
    { ...tula, start_date: '2023-03-05', start_precision: 'day' },
    { ...tula, start_date: '2023-03-20', start_precision: 'day', status: 'disputed', sensitive: true },
    { ...tula, start_date: null },
  ])
  const administrative = await insertCase(db, {
    kind: 'administrative',
    articleIds: [terms.article['koap-20.2']!],
  })
  const criminal = await insertCase(db, {
    kind: 'criminal',
    articleIds: [terms.article['koap-20.2']!, terms.article['uk-207.3']!],
  })
  // Two acts under one case, and a case with two articles: each event counts once per article.
  for (const [event_id, case_id] of [
    [twice, administrative],
    [twice, administrative],
    [both, criminal],
    [both, administrative],
  ] as const) {
    await insertAct(db, { event_id: event_id!, act_type_id: terms.act_type.detention!, case_id })
  }
})
after(() => t.close())

async function facets(query: Record<string, string | string[]>): Promise<Facets> {
  const counted = await facetCounts(
    t.store.db,
    await resolveFilter(t.store.db, eventFilterSchema.parse(query)),
  )
  assert.ok(counted, 'this set is small enough to count')
  return counted
}

/** Published events per status by a direct count, with an optional extra condition. */
async function direct(where: RawBuilder<unknown> = sql`true`): Promise<Map<string, number>> {
  const { rows } = await sql<{ status: string; n: number }>`
    SELECT status, count(*)::int AS n FROM chronicle_events e
    WHERE published_at IS NOT NULL AND ${where} GROUP BY status`.execute(t.store.db)
  return new Map(rows.map((row) => [row.status, row.n]))
}

const sum = (counts: Map<unknown, number>) => [...counts.values()].reduce((a, b) => a + b, 0)

describe('facet counts', () => {
  it('count statuses under every filter but the status one, from the rollup and from a scan alike', async () => {
    const moscow = sql`region_id = ${terms.region['RU-MOW']}`
    const march = sql`public_date BETWEEN '2023-03-01' AND '2023-03-31'`
    const days = sql`public_date BETWEEN '2023-03-04' AND '2023-03-20'`
    for (const [query, where] of [
      [{}, sql`true`],
      [{ region: 'RU-MOW', status: 'disputed' }, moscow],
      [{ from: '2023-03', to: '2023-03', status: 'verified' }, march],
      [{ from: '2023-03-04', to: '2023-03-20' }, days],
    ] as const) {
      const counted = await facets(query)
      assert.deepEqual(counted.statuses, await direct(where), JSON.stringify(query))
      const chosen = 'status' in query ? [query.status] : ['verified', 'disputed']
      assert.equal(
        counted.total,
        sum(new Map([...counted.statuses].filter(([status]) => chosen.includes(status)))),
      )
    }
  })

  it('follow a published event’s change of status (the rollup trigger)', async () => {
    const db = t.store.db
    const { id } = await db
      .selectFrom('chronicle_events')
      .select('id')
      .where('status', '=', 'verified')
      .where('published_at', 'is not', null)
      .where('start_date', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow()
    const before = await facets({})
    await db.updateTable('chronicle_events').set({ status: 'disputed' }).where('id', '=', id).execute()
    try {
      const now = await facets({})
      assert.equal(now.statuses.get('disputed'), before.statuses.get('disputed')! + 1)
      assert.equal(now.statuses.get('verified'), before.statuses.get('verified')! - 1)
      assert.deepEqual(now.statuses, await direct())
    } finally {
      await db.updateTable('chronicle_events').set({ status: 'verified' }).where('id', '=', id).execute()
    }
  })

  it('count articles over a small set, each event once per article, under every filter but the article one', async () => {
    const koap = terms.article['koap-20.2']!
    const uk = terms.article['uk-207.3']!
    const tula = await facets({ region: 'RU-TUL' })
    assert.equal(tula.total, 3)
    assert.deepEqual(
      tula.articles,
      new Map([
        [koap, 2],
        [uk, 1],
      ]),
    )
    const chosen = await facets({ region: 'RU-TUL', article: 'uk-207.3' })
    assert.equal(chosen.total, 1)
    assert.deepEqual(chosen.articles, tula.articles)
    // A sensitive event is matched by its public date, the 1st of its month.
    const days = await facets({ region: 'RU-TUL', from: '2023-03-02', to: '2023-03-31' })
    assert.deepEqual(days.articles, new Map([[koap, 1]]))
  })

  it('count articles from the article rollup at any size, and over at most the limit when scanning', async () => {
    const counted = new Map([
      [terms.article['koap-20.2']!, 2],
      [terms.article['uk-207.3']!, 1],
    ])
    // Whole months (or none): the article rollup answers, however many events the filters select.
    assert.ok((await facets({})).total > ARTICLE_FACET_SCOPE)
    assert.deepEqual((await facets({})).articles, counted)
    assert.deepEqual((await facets({ article: 'koap-20.2' })).articles, counted)
    // A range of days needs a scan of the events: counted only when they are few.
    const days = { from: '2023-01-02', to: '2023-12-30' }
    assert.ok((await facets(days)).total > ARTICLE_FACET_SCOPE)
    assert.equal((await facets(days)).articles, null)
    assert.deepEqual((await facets({ ...days, region: 'RU-TUL' })).articles, counted)
  })

  it('leave counts out when a range of days selects more events than they are counted over', async () => {
    const db = t.store.db
    const extra = FACET_SCAN_SCOPE - MANY + 1000
    await sql`
      INSERT INTO chronicle_events (title, type_id, region_id, start_date, start_precision, status, published_at)
      SELECT '{"en": "Crowd"}', ${terms.event_type.protest}, ${terms.region['RU-MOW']}, date '2023-06-01' + g % 10,
             'day', 'verified', now()
      FROM generate_series(1, ${extra}::int) g`.execute(db)
    try {
      const days = eventFilterSchema.parse({ from: '2023-01-02', to: '2023-12-30' })
      assert.equal(await facetCounts(db, await resolveFilter(db, days)), null)
      // Whole months still come from the rollups, and a narrower range of days is counted.
      assert.ok((await facets({ from: '2023-01', to: '2023-12' })).total > FACET_SCAN_SCOPE)
      assert.equal((await facets({ from: '2023-03-02', to: '2023-03-31', region: 'RU-TUL' })).total, 1)
    } finally {
      await db.deleteFrom('chronicle_events').where(sql<boolean>`title->>'en' = 'Crowd'`).execute()
    }
  })

  it('follow acts and case articles as they change (the article triggers)', async () => {
    const db = t.store.db
    const uk = terms.article['uk-207.3']!
    const criminal = await db
      .selectFrom('chronicle_case_articles')
      .select('case_id')
      .where('article_id', '=', uk)
      .executeTakeFirstOrThrow()
    await db.deleteFrom('chronicle_case_articles').where('article_id', '=', uk).execute()
    try {
      assert.equal((await facets({})).articles?.get(uk), undefined)
      assert.equal(
        (await facets({ region: 'RU-TUL', from: '2023-03-02', to: '2023-03-31' })).articles?.get(uk),
        undefined,
      )
    } finally {
      await db
        .insertInto('chronicle_case_articles')
        .values({ case_id: criminal.case_id, article_id: uk })
        .execute()
    }
    assert.equal((await facets({})).articles?.get(uk), 1)
  })

  it('show on the list page: counts beside articles for a small set, a hint for a large one', async () => {
    const page = async (url: string) =>
      (await t.app.inject({ url, headers: { 'accept-language': 'en' } })).body
    // An option's text ends in its count (labels are the seeded vocabulary's, or the code).
    const option = (code: string, n: number | string) =>
      new RegExp(`<option value="${code.replaceAll('.', '\\.')}" >[^<]* \\(${n}\\)</option>`)
    const small = await page('/chronicle?region=RU-TUL')
    assert.match(small, option('koap-20.2', 2))
    assert.match(small, option('uk-207.3', 1))
    assert.match(small, option('uk-280.3', 0))
    assert.doesNotMatch(small, /field-article-hint/)
    // A range of days over thousands of events: no rollup answers, and too many to count.
    const large = await page('/chronicle?from=2023-01-02&to=2023-12-30')
    assert.match(large, /<option value="koap-20\.2" >/)
    assert.doesNotMatch(large, option('koap-20.2', '\\d+'))
    assert.match(
      large,
      /id="field-article-hint">Each article shows its number of events once the other filters select 5,000 events or fewer\./,
    )
    assert.match(large, /<select id="field-article" name="article" aria-describedby="field-article-hint">/)
  })
})
