/**
 * Search on a chronicle where one word is in nearly every event and another in three: the common
 * word's pages come from the date walk and equal the plain query's, the rare word is still found, and
 * counts above the exact limit are estimates, said so on the page (in each language) and in the API.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { ensureTerms } from '../testing/events.ts'
import { listApiEvents } from './api-events.ts'
import { listEvents } from './events.ts'
import { type ResolvedFilter, searchQuery } from './filters.ts'
import { countMatches, plannedRows, roughly, walkBudget, walkIds } from './search.ts'

const EVENTS = 12_000
let t: TestApp

const filter = (q: string): ResolvedFilter => ({
  q,
  typeIds: null,
  regionIds: null,
  countryIds: null,
  articleIds: null,
  statuses: null,
  from: null,
  to: null,
})

before(async () => {
  t = await testApp()
  const db = t.store.db
  await ensureTerms(db)
  // "задержаны" in 9 of 10 events; "граффити" in three (one undated); "повестки" in a fifth, all of
  // them among the oldest 80 of 400 days; many events share a day.
  await sql`
    INSERT INTO chronicle_events (title, summary, type_id, region_id, start_date, start_precision, status, sensitive, published_at)
    SELECT jsonb_build_object('ru', CASE WHEN g % 10 = 0 THEN 'Пикет № ' ELSE 'Участники акции задержаны № ' END || g),
           jsonb_build_object('ru', CASE WHEN g IN (77, 5000, 9700) THEN 'Надпись граффити на стене.'
                                     WHEN g % 400 < 80 THEN 'Вручали повестки.' ELSE 'Подробности в источнике.' END),
           (SELECT min(id) FROM vocab_terms WHERE vocabulary = 'event_type'),
           (SELECT min(id) FROM vocab_terms WHERE vocabulary = 'region'),
           CASE WHEN g % 97 = 0 THEN NULL ELSE date '2022-02-24' + (g % 400) END,
           CASE WHEN g % 97 = 0 THEN 'unknown' ELSE 'day' END,
           'verified', g % 13 = 0, now()
    FROM generate_series(1, ${EVENTS}) g`.execute(db)
  await sql`ANALYZE chronicle_events`.execute(db)
})
after(() => t.close())

// The list's order by the plain query: sort every match, newest public date first, undated last.
async function plainOrder(q: string): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    SELECT id FROM chronicle_events e WHERE published_at IS NOT NULL AND search @@ ${searchQuery(q)}
    ORDER BY public_date DESC NULLS LAST, id DESC`.execute(t.store.db)
  return rows.map((row) => Number(row.id))
}

/** Asserts the list's first two pages for `q` are the plain query's first 100 matches; returns them. */
async function assertFirstPages(q: string) {
  const db = t.store.db
  const expected = await plainOrder(q)
  const first = await listEvents(db, filter(q), {}, 50)
  assert.deepEqual(
    first.rows.map((row) => Number(row.id)),
    expected.slice(0, 50),
  )
  const second = await listEvents(db, filter(q), { after: first.older! }, 50)
  assert.deepEqual(
    second.rows.map((row) => Number(row.id)),
    expected.slice(50, 100),
  )
  return { first, second }
}

describe('search', () => {
  it("reads a common word's pages through the date walk, in the plain query's order", async () => {
    const db = t.store.db
    const budget = await walkBudget(db, filter('задержаны'), 51)
    assert.ok(budget, 'a common word is read through the date walk')
    const walked = await walkIds(
      db,
      db
        .selectFrom('chronicle_events as e')
        .select('e.id')
        .orderBy('e.public_date', 'desc')
        .orderBy('e.id', 'desc'),
      'задержаны',
      51,
      budget,
    )
    assert.ok(walked, 'the walk found a page within its budget')
    const { first, second } = await assertFirstPages('задержаны')
    const back = await listEvents(db, filter('задержаны'), { before: second.rows[0]!.id }, 50)
    assert.deepEqual(back.rows, first.rows)
  })

  it('still finds a rare word, undated events last, through the index', async () => {
    const db = t.store.db
    assert.equal(await walkBudget(db, filter('граффити'), 51), null)
    const page = await listEvents(db, filter('граффити'), {}, 50)
    assert.deepEqual(
      page.rows.map((row) => Number(row.id)),
      await plainOrder('граффити'),
    )
    assert.equal(page.rows.length, 3)
    assert.equal(page.rows.at(-1)!.start_date, null)
    assert.equal(page.older, null)
  })

  it('gives up a walk that meets too few matches within its budget, and the index answers', async () => {
    const db = t.store.db
    // A fifth of the events say "повестки": the walk expects to read about 255 rows for a page of 51.
    const budget = await walkBudget(db, filter('повестки'), 51)
    assert.ok(budget && budget < 4_000, String(budget))
    const newest = db
      .selectFrom('chronicle_events as e')
      .select('e.id')
      .where('e.public_date', 'is not', null)
      .orderBy('e.public_date', 'desc')
      .orderBy('e.id', 'desc')
    // But they are all among the oldest days: the budget's worth of the newest events has none.
    assert.equal(await walkIds(db, newest, 'повестки', 51, budget), null)
    await assertFirstPages('повестки')
  })

  it('asks the planner once for the same estimate within a second, and again after a failure', async () => {
    const db = t.store.db
    const query = () => db.selectFrom('chronicle_events').select('id').where('status', '=', 'verified')
    const first = plannedRows(db, query())
    assert.equal(plannedRows(db, query()), first)
    assert.ok((await first) > 0)
    const broken = () => db.selectFrom('chronicle_events').select(sql<number>`no_such_column`.as('x'))
    const failed = plannedRows(db, broken())
    await assert.rejects(failed)
    const again = plannedRows(db, broken())
    assert.notEqual(again, failed)
    await assert.rejects(again)
  })

  it('counts up to the limit exactly and estimates above it, rounded', async () => {
    const db = t.store.db
    assert.deepEqual(await countMatches(db, filter('граффити')), { count: 3, estimated: false })
    const common = await countMatches(db, filter('задержаны'))
    assert.equal(common.estimated, true)
    // 10,800 match; the planner's statistics give about as many.
    assert.ok(common.count > 9_000 && common.count < 13_000, String(common.count))
    assert.equal(roughly(331_742), 330_000)
    assert.equal(roughly(10_800), 11_000)
  })

  it('marks an estimated count on the page, in each language', async () => {
    const url = `/chronicle?q=${encodeURIComponent('задержаны')}`
    const heading = async (language: string) => {
      const response = await t.app.inject({ url, headers: { 'accept-language': language } })
      assert.equal(response.statusCode, 200)
      return /<h2 id="results-title">(.*?)<\/h2>/s.exec(response.body)?.[1] ?? ''
    }
    assert.match(
      await heading('ru'),
      /data-count="estimated" title="оценка[^"]*">около [\d\s\u00a0\u202f]+ событий</,
    )
    assert.match(
      await heading('uk'),
      /data-count="estimated" title="оцінка[^"]*">близько [\d\s\u00a0\u202f]+ подій</,
    )
    assert.match(await heading('en'), /data-count="estimated" title="an estimate[^"]*">about [\d,]+ events</)
    // Too many matches to count the facets over: the form says up to how many a search has them.
    const english = await t.app.inject({ url, headers: { 'accept-language': 'en' } })
    assert.match(english.body, /Counts are shown for searches that find up to 2,000 events/)
    // Few enough to count: an exact number, unmarked, and the facets counted.
    const rare = await t.app.inject({ url: `/chronicle?q=${encodeURIComponent('граффити')}` })
    assert.doesNotMatch(rare.body, /data-count="estimated"/)
    assert.doesNotMatch(rare.body, /Числа показываются для поиска/)
  })

  it('says in the API whether the first page’s count is an estimate', async () => {
    const get = async (url: string) => {
      const response = await t.app.inject({ url, headers: { 'accept-language': 'en' } })
      assert.equal(response.statusCode, 200)
      return response.json() as { next: string | null; total: { count: number; estimated: boolean } | null }
    }
    const common = await get(`/api/v1/events?q=${encodeURIComponent('задержаны')}`)
    assert.equal(common.total?.estimated, true)
    assert.deepEqual((await get(`/api/v1/events?q=${encodeURIComponent('граффити')}`)).total, {
      count: 3,
      estimated: false,
    })
    assert.ok(common.next)
    assert.equal(
      (await get(`/api/v1/events?q=${encodeURIComponent('задержаны')}&cursor=${common.next}`)).total,
      null,
    )
  })

  it('pages the API through the same reading as the list: the plain query’s rows, in its order', async () => {
    const db = t.store.db
    for (const word of ['задержаны', 'граффити']) {
      const expected = await plainOrder(word)
      const first = await listApiEvents(db, filter(word), null, 100)
      const ids = first.rows.map((row) => Number(row.id))
      if (first.next) {
        const second = await listApiEvents(db, filter(word), first.next, 100)
        ids.push(...second.rows.map((row) => Number(row.id)))
      }
      assert.deepEqual(ids, expected.slice(0, 200), word)
    }
  })
})
