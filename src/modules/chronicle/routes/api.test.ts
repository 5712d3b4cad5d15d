import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { generateDemo } from '../demo/generate.ts'
import { eventDetailOut, eventPageOut, vocabularyOut } from '../schema/api.ts'
import { insertFixtures, marks } from '../testing/api-fixtures.ts'

let t: TestApp
let ids: Awaited<ReturnType<typeof insertFixtures>>
let published: number[]

before(async () => {
  t = await testApp()
  ids = await insertFixtures(t.store.db)
  await generateDemo(t.store.db, { events: 600, seed: 11, batchSize: 250 })
  published = (
    await t.store.db
      .selectFrom('chronicle_events')
      .select('id')
      .where('published_at', 'is not', null)
      .execute()
  ).map((row) => Number(row.id))
})
after(() => t.close())

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { 'accept-language': 'en' } })

describe('GET /api/v1/events', () => {
  it('walks every published event exactly once, newest first, undated last', async () => {
    const seen: number[] = []
    const dates: (string | null)[] = []
    let url = '/api/v1/events?limit=37'
    for (let pages = 0; pages < 100; pages++) {
      const response = await get(url)
      assert.equal(response.statusCode, 200, response.body)
      const page = eventPageOut.parse(response.json())
      seen.push(...page.data.map((e) => e.id))
      dates.push(...page.data.map((e) => e.start.date))
      if (!page.next) break
      url = `/api/v1/events?limit=37&cursor=${page.next}`
    }
    assert.equal(new Set(seen).size, seen.length, 'no event twice')
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      [...published].sort((a, b) => a - b),
    )
    const dated = dates.filter((d) => d !== null) as string[]
    assert.deepEqual(dated, [...dated].sort().reverse())
    assert.equal(dates.at(-1), null, 'undated events come last')
  })

  it('pages a filtered view the same way, and its count matches the filter', async () => {
    const regionId = (
      await t.store.db
        .selectFrom('vocab_terms')
        .select('id')
        .where('vocabulary', '=', 'region')
        .where('code', '=', 'RU-MOW')
        .executeTakeFirstOrThrow()
    ).id
    const expected = await t.store.db
      .selectFrom('chronicle_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('published_at', 'is not', null)
      .where('region_id', '=', regionId)
      .where('start_date', '>=', '2022-03-01')
      .where('start_date', '<=', '2022-12-31')
      .executeTakeFirstOrThrow()
    let total = 0
    let url = '/api/v1/events?region=RU-MOW&from=2022-03&to=2022-12&limit=20'
    for (;;) {
      const page = eventPageOut.parse((await get(url)).json())
      assert.ok(page.data.every((e) => e.region === 'RU-MOW' && e.start.date! >= '2022-03-01'))
      total += page.data.length
      if (!page.next) break
      url = `/api/v1/events?region=RU-MOW&from=2022-03&to=2022-12&limit=20&cursor=${page.next}`
    }
    assert.equal(total, Number(expected.n))
    assert.ok(total > 0)
  })

  it('refuses bad input with a JSON error naming the parameter', async () => {
    for (const [query, field] of [
      ['limit=201', 'limit'],
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['from=2022-13', 'from'],
      ['from=24.02.2022', 'from'],
      ['region=RU-MOW%27%3B%20DROP%20TABLE%20chronicle_events%3B--', 'region'],
      [`q=${'я'.repeat(201)}`, 'q'],
      ['q=%EF%BF%BD', 'q'],
      ['status=reported', 'status'],
      [`cursor=${'x'.repeat(41)}`, 'cursor'],
    ] as const) {
      const response = await get(`/api/v1/events?${query}`)
      assert.equal(response.statusCode, 400, query)
      const body = response.json()
      assert.equal(body.error.code, 'ERR_INVALID_QUERY', query)
      assert.ok(body.error.message.length > 10)
      assert.ok(body.error.fields[field], `${query} names ${field}: ${response.body}`)
    }
  })

  it('refuses a cursor it did not make', async () => {
    for (const cursor of ['bm9wZQ', 'MjAyMi0wMi0zMDox', '%3Cscript%3E']) {
      const response = await get(`/api/v1/events?cursor=${cursor}`)
      assert.equal(response.statusCode, 400, cursor)
      assert.match(response.json().error.code, /ERR_BAD_CURSOR|ERR_INVALID_QUERY/)
    }
  })

  it('finds nothing for an unknown code rather than ignoring it', async () => {
    const page = eventPageOut.parse((await get('/api/v1/events?region=XX-NOPE')).json())
    assert.deepEqual(page.data, [])
    assert.equal(page.next, null)
  })

  it('searches and treats markup or SQL in q as text', async () => {
    const response = await get(`/api/v1/events?q=${encodeURIComponent("задержали' OR 1=1 --")}`)
    assert.equal(response.statusCode, 200)
    const markup = await get(`/api/v1/events?q=${encodeURIComponent('<script>')}`)
    assert.equal(markup.statusCode, 200)
    assert.doesNotMatch(markup.body, /<script>/)
  })
})

describe('GET /api/v1/events/:id', () => {
  it('answers a published event with its acts, redacted', async () => {
    const response = await get(`/api/v1/events/${ids.withPersons}`)
    assert.equal(response.statusCode, 200)
    const event = eventDetailOut.parse(response.json())
    assert.equal(event.acts.length, 3)
    assert.doesNotMatch(response.body, new RegExp(marks.withheld))
    assert.doesNotMatch(response.body, new RegExp(marks.withheldLatin))
    assert.match(response.body, new RegExp(marks.named))
    assert.deepEqual(event.articles, ['koap-20.3.3'])
    const shown = event.acts.map((act) => act.person?.shown ?? null)
    assert.deepEqual(shown, [null, 'anonymous', 'named'])
    assert.equal(response.headers['access-control-allow-origin'], '*')
  })

  it('blurs a sensitive event to the month and drops its coordinates', async () => {
    const body = (await get(`/api/v1/events/${ids.sensitive}`)).body
    const event = eventDetailOut.parse(JSON.parse(body))
    assert.equal(event.start.date, '2023-05-01')
    assert.equal(event.start.precision, 'month')
    assert.equal(event.coordinates, null)
    assert.equal(event.blurred, true)
    assert.doesNotMatch(body, new RegExp(marks.sensitiveDay))
    assert.doesNotMatch(body, new RegExp(String(marks.sensitiveLat)))
  })

  it('answers 404, as JSON, for an unpublished, missing or malformed id', async () => {
    for (const id of [
      String(ids.unpublished),
      '999999999',
      'abc',
      '0',
      '1e3',
      '-1',
      '99999999999999999999',
    ]) {
      const response = await get(`/api/v1/events/${id}`)
      assert.equal(response.statusCode, 404, id)
      assert.equal(response.json().error.code, 'ERR_NOT_FOUND')
    }
  })
})

describe('GET /api/v1/vocabularies/:vocabulary', () => {
  it('lists approved terms with their labels, and no proposed ones', async () => {
    await t.store.db
      .insertInto('vocab_terms')
      .values({
        vocabulary: 'region',
        code: 'XX-PROPOSED',
        labels: '{}',
        extra: '{}',
        status: 'proposed',
        proposed_by: null,
        decided_by: null,
      })
      .execute()
    const response = await get('/api/v1/vocabularies/region')
    assert.equal(response.statusCode, 200)
    const body = vocabularyOut.parse(response.json())
    const codes = body.terms.map((term) => term.code)
    assert.ok(codes.includes('RU-MOW'))
    assert.ok(!codes.includes('XX-PROPOSED'))
  })

  it('answers 404 for an unknown vocabulary', async () => {
    const response = await get('/api/v1/vocabularies/users')
    assert.equal(response.statusCode, 404)
    assert.equal(response.json().error.code, 'ERR_NOT_FOUND')
  })
})

describe('the API never shows what is not public', () => {
  it('leaves out unpublished events and withheld names on every page', async () => {
    let url = '/api/v1/events?limit=200'
    for (;;) {
      const response = await get(url)
      assert.doesNotMatch(response.body, new RegExp(marks.unpublished))
      assert.doesNotMatch(response.body, new RegExp(marks.withheld))
      const next = response.json().next
      if (!next) break
      url = `/api/v1/events?limit=200&cursor=${next}`
    }
  })
})

describe('GET /api/openapi.json', () => {
  it('is OpenAPI 3.1 and describes every /api/ route with its parameters', async () => {
    const response = await get('/api/openapi.json')
    assert.equal(response.statusCode, 200)
    const doc = JSON.parse(response.body)
    assert.equal(doc.openapi, '3.1.0')
    const routes = t.app.lifelineRoutes.filter(
      (route) => route.url.startsWith('/api/') && route.method !== 'HEAD',
    )
    assert.ok(routes.length >= 4)
    for (const route of routes) {
      const path = route.url.replace(/:(\w+)/g, '{$1}')
      const operation = doc.paths[path]?.[route.method.toLowerCase()]
      assert.ok(operation, `${route.method} ${route.url} is described`)
      for (const name of route.url.match(/:(\w+)/g) ?? []) {
        assert.ok(
          operation.parameters.some(
            (p: { name: string; in: string }) => p.name === name.slice(1) && p.in === 'path',
          ),
          `${route.url} describes ${name}`,
        )
      }
      assert.ok(operation.responses['200'], `${route.url} has a 200 response`)
    }
    const list = doc.paths['/api/v1/events'].get.parameters.map((p: { name: string }) => p.name)
    for (const name of ['q', 'type', 'region', 'article', 'status', 'from', 'to', 'cursor', 'limit'])
      assert.ok(list.includes(name), name)
    // Every $ref points at a schema that exists.
    for (const [, ref] of response.body.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g))
      assert.ok(doc.components.schemas[ref!], ref)
  })
})
