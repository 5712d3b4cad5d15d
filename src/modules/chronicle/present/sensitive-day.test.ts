/**
 * A sensitive event's exact day can't be worked out from any public output: not from where it sits
 * among events of neighbouring days (list, API, a person's or a case's page), not by narrowing a date
 * filter day by day (list, API, statistics, exports, feed), not from anything else a public route
 * answers. The proof is by comparison: every output is fetched with the event on one day of its
 * month, then again with it moved to another day of the same month, and nothing may differ. The same
 * move of an event that is not sensitive must change the outputs, or the comparison proves nothing.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { freshGet, type TestApp, testApp } from '../../../../test/support/app.ts'
import { ensureTerms, insertAct, insertCase, insertEvents, insertPerson } from '../testing/events.ts'

let t: TestApp
let sensitive = 0
let control = 0
let person = 0
let kase = 0
// Events of the same region dated around the sensitive one, newest first.
const neighbours: Record<string, number> = {}

// Two days of March 2024 with neighbours between them: the sensitive event is moved from one to the
// other, so anything that followed its true day would show the move.
const EARLY = '2024-03-06'
const LATE = '2024-03-24'

before(async () => {
  t = await testApp()
  const db = t.store.db
  const terms = await ensureTerms(db)
  const base = {
    type_id: terms.event_type.detention,
    region_id: terms.region['RU-TUL'],
    locality: 'Тула',
    start_precision: 'day' as const,
    detained: 2,
  }
  for (const day of ['2024-04-03', '2024-03-26', '2024-03-20', '2024-03-14', '2024-03-09', '2024-03-02']) {
    ;[neighbours[day]] = (await insertEvents(db, [
      { ...base, title: { ru: `Соседнее событие ${day}`, en: `Neighbour ${day}` }, start_date: day },
    ])) as [number]
  }
  ;[neighbours['2024-02-27']] = (await insertEvents(db, [
    { ...base, title: { en: 'Neighbour 2024-02-27' }, start_date: '2024-02-27' },
  ])) as [number]
  ;[sensitive] = (await insertEvents(db, [
    {
      ...base,
      title: { ru: 'Задержание у кремля', en: 'Detention by the kremlin' },
      start_date: EARLY,
      end_date: EARLY,
      end_precision: 'day',
      latitude: 54.1932,
      longitude: 37.6173,
      coord_precision: 'exact',
      sensitive: true,
      detained: 5,
    },
  ])) as [number]
  // An ordinary event in another region, moved between the same days by the control test.
  ;[control] = (await insertEvents(db, [
    {
      ...base,
      region_id: terms.region['RU-SPE'],
      title: { en: 'Picket on the embankment' },
      start_date: EARLY,
      detained: 1,
    },
  ])) as [number]
  await db
    .insertInto('chronicle_sources')
    .values(
      [sensitive, control].map((event_id) => ({
        event_id,
        url: 'https://example.org/r',
        published_on: EARLY,
      })),
    )
    .execute()
  // A named person and a case in the sensitive event and in its neighbours: their pages list events.
  person = await insertPerson(db, {
    name_cyrillic: 'Открытая Анна',
    name_latin: 'Otkrytaya Anna',
    visibility: 'named',
    visibility_source: 'court record',
  })
  kase = await insertCase(db, { kind: 'administrative', articleIds: [terms.article['koap-20.2']!] })
  for (const event of [
    sensitive,
    neighbours['2024-03-14']!,
    neighbours['2024-03-09']!,
    neighbours['2024-03-02']!,
  ]) {
    await insertAct(db, {
      event_id: event,
      act_type_id: terms.act_type.detention!,
      person_id: person,
      case_id: kase,
    })
  }
})
after(() => t.close())

// A different address for each request, so rate limits never cut the walk short.
const get = freshGet(() => t)

async function moveTo(id: number, day: string) {
  const db = t.store.db
  await db
    .updateTable('chronicle_events')
    .set({
      start_date: day,
      end_date: sql<string>`CASE WHEN end_date IS NULL THEN NULL ELSE ${day}::date END`,
    })
    .where('id', '=', id)
    .execute()
  await db.updateTable('chronicle_sources').set({ published_on: day }).where('event_id', '=', id).execute()
}

const march = Array.from({ length: 31 }, (_, i) => `2024-03-${String(i + 1).padStart(2, '0')}`)

// The routes that take the shared filter, with a range of one day, from a day and up to a day, for
// every day of the month.
function filteredUrls(): string[] {
  const routes = [
    '/chronicle',
    '/api/v1/events',
    '/chronicle/stats',
    '/api/v1/stats',
    '/chronicle/stats/month.csv',
    '/chronicle/export.csv',
    '/chronicle/export.ndjson',
    '/chronicle/feed.atom',
  ]
  const urls: string[] = []
  for (const route of routes) {
    for (const day of march) {
      urls.push(`${route}?from=${day}&to=${day}`)
      if (route === '/chronicle' || route === '/api/v1/stats')
        urls.push(`${route}?from=${day}`, `${route}?to=${day}`)
    }
  }
  return urls
}

// Every public GET route of the chronicle and the API without parameters (pages, API, feeds,
// exports, charts, and whatever is added later), and the permalinks of everything involved.
function everyOutput(): string[] {
  const routes = t.app.lifelineRoutes.filter(
    (route) =>
      route.policy === 'public' &&
      route.method === 'GET' &&
      /^\/(chronicle|api)\b/.test(route.url) &&
      !/[:*]/.test(route.url),
  )
  const urls = routes.flatMap(({ url }) => [url, `${url}?region=RU-TUL`, `${url}?from=2024-03&to=2024-03`])
  for (const id of [sensitive, control, ...Object.values(neighbours)]) {
    urls.push(`/chronicle/events/${id}`, `/api/v1/events/${id}`)
  }
  urls.push(`/chronicle/persons/${person}`, `/chronicle/cases/${kase}`)
  return urls
}

async function snapshot(urls: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const url of urls) {
    const { status, type, body } = await get(url)
    out.set(url, `${status} ${type}\n${body}`)
  }
  return out
}

function differing(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...a.keys()].filter((url) => a.get(url) !== b.get(url))
}

const listIds = (body: string) =>
  [...body.matchAll(/href="\/chronicle\/events\/(\d+)"/g)].map((match) => Number(match[1]))

describe('a sensitive event’s exact day', () => {
  it('does not decide its place among events of neighbouring days', async () => {
    // Late in the month, where an order by the true day would put it before the 14th and the 20th.
    await moveTo(sensitive, LATE)
    try {
      // Listed under its public date, the 1st of March: after every other March event.
      const inRegion = [
        ...['2024-04-03', '2024-03-26', '2024-03-20', '2024-03-14', '2024-03-09', '2024-03-02'].map(
          (day) => neighbours[day],
        ),
        sensitive,
        neighbours['2024-02-27'],
      ]
      assert.deepEqual(listIds((await get('/chronicle?region=RU-TUL')).body), inRegion)
      const api = JSON.parse((await get('/api/v1/events?region=RU-TUL')).body) as { data: { id: number }[] }
      assert.deepEqual(
        api.data.map((event) => event.id),
        inRegion,
      )
      // The person's and the case's pages list their events the same way.
      const theirs = [...['2024-03-14', '2024-03-09', '2024-03-02'].map((day) => neighbours[day]), sensitive]
      for (const url of [`/chronicle/persons/${person}`, `/chronicle/cases/${kase}`]) {
        assert.deepEqual([...new Set(listIds((await get(url)).body))], theirs, url)
      }
    } finally {
      await moveTo(sensitive, EARLY)
    }
  })

  it('is found by a day filter only with the 1st of its month, on every route that filters', async () => {
    const shows = (body: string) =>
      body.includes('Detention by the kremlin') || body.includes(`"id":${sensitive},`)
    for (const route of [
      '/chronicle',
      '/api/v1/events',
      '/chronicle/export.ndjson',
      '/chronicle/feed.atom',
    ]) {
      for (const day of march) {
        const found = shows((await get(`${route}?from=${day}&to=${day}`)).body)
        assert.equal(found, day === '2024-03-01', `${route} for ${day}`)
      }
    }
    const detained = async (day: string) =>
      (
        JSON.parse((await get(`/api/v1/stats?from=${day}&to=${day}&region=RU-TUL`)).body) as {
          totals: { detained: number }
        }
      ).totals.detained
    assert.equal(await detained('2024-03-01'), 5)
    assert.equal(await detained(EARLY), 0)
  })

  it('changes no public output when it moves to another day of the month', async () => {
    const urls = [...filteredUrls(), ...everyOutput()]
    const early = await snapshot(urls)
    assert.deepEqual(differing(early, await snapshot(urls)), [], 'outputs are the same when nothing moved')
    await moveTo(sensitive, LATE)
    const late = await snapshot(urls)
    await moveTo(sensitive, EARLY)
    assert.deepEqual(differing(early, late), [])
    assert.ok(
      [...early.values()].some((body) => body.includes('Detention by the kremlin')),
      'the outputs include the event',
    )
  })

  it('gives no day away by when it was published or last changed', async () => {
    const db = t.store.db
    const setTimes = (id: number, at: string) =>
      sql`UPDATE chronicle_events SET published_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
          WHERE id = ${id}`.execute(db)
    const { rows } = await sql<{ published_at: Date; updated_at: Date }>`
      SELECT published_at, updated_at FROM chronicle_events WHERE id = ${sensitive}`.execute(db)
    const urls = [...filteredUrls(), ...everyOutput()]
    try {
      // Published the morning after, then late in the month: the outputs must not tell which.
      await setTimes(sensitive, '2024-03-07T09:30:00Z')
      const soon = await snapshot(urls)
      await setTimes(sensitive, '2024-03-25T18:00:00Z')
      assert.deepEqual(differing(soon, await snapshot(urls)), [])
      const body = (await get(`/api/v1/events/${sensitive}`)).body
      assert.match(body, /"publishedAt":"2024-03-01T00:00:00\.000Z"/)
      assert.match(body, /"updatedAt":"2024-03-01T00:00:00\.000Z"/)
      // The same change to an ordinary event shows (the comparison can fail).
      await setTimes(control, '2024-03-07T09:30:00Z')
      const before = await snapshot(urls)
      await setTimes(control, '2024-03-25T18:00:00Z')
      assert.ok(differing(before, await snapshot(urls)).length > 0)
    } finally {
      await sql`UPDATE chronicle_events SET published_at = ${rows[0]!.published_at}, updated_at = ${rows[0]!.updated_at}
                WHERE id = ${sensitive}`.execute(db)
    }
  })

  it('would show in the outputs if the event were not sensitive (the comparison can fail)', async () => {
    const urls = filteredUrls()
    const early = await snapshot(urls)
    await moveTo(control, LATE)
    const late = await snapshot(urls)
    await moveTo(control, EARLY)
    const changed = differing(early, late)
    for (const route of ['/chronicle?', '/api/v1/events?', '/api/v1/stats?', '/chronicle/export.csv?']) {
      assert.ok(
        changed.some((url) => url.startsWith(route)),
        `${route} shows an ordinary event's day`,
      )
    }
  })
})
