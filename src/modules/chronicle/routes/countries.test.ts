import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Agent } from '../../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { createStaff, signIn } from '../../../../test/support/factories.ts'
import { childrenNamed, parseXml } from '../../../../test/support/xml.ts'
import { termIndex } from '../../../platform/vocabularies/queries.ts'
import { ensureTerms, eventFormFields, insertAct, insertCase, insertEvents } from '../testing/events.ts'

// Events in Russia, Belarus, an occupied territory of Ukraine and abroad, through every public output.
let t: TestApp
let editor: Agent
const ids: Record<string, number> = {}

before(async () => {
  t = await testApp()
  const terms = await ensureTerms(t.store.db)
  const index = await termIndex(t.store.db)
  const country = (code: string) => index.id('country', code)!
  const region = (code: string) => index.id('region', code)!
  const base = {
    type_id: terms.event_type.protest!,
    start_precision: 'day' as const,
    status: 'verified' as const,
    published_at: new Date('2024-04-01T00:00:00Z'),
  }
  const [moscow, minsk, berlin, crimea, tbilisi] = await insertEvents(t.store.db, [
    {
      ...base,
      title: { ru: 'Пикет в Москве' },
      start_date: '2024-03-02',
      region_id: region('RU-MOW'),
      country_id: country('RU'),
      locality: 'Москва',
      detained: 5,
    },
    {
      ...base,
      title: { ru: 'Акция в Минске' },
      start_date: '2024-03-03',
      country_id: country('BY'),
      locality: 'Минск',
      detained: 3,
    },
    {
      ...base,
      title: { ru: 'Акция солидарности в Берлине' },
      start_date: '2024-03-04',
      country_id: country('DE'),
      locality: 'Берлин',
      latitude: 52.52,
      longitude: 13.405,
      coord_precision: 'exact',
      sensitive: true,
    },
    {
      ...base,
      title: { ru: 'Задержание в Симферополе' },
      start_date: '2024-03-05',
      region_id: region('UA-43'),
      country_id: country('UA'),
      locality: 'Симферополь',
      detained: 2,
    },
    {
      ...base,
      title: { ru: 'Акция в Тбилиси' },
      start_date: '2024-03-20',
      country_id: country('GE'),
      locality: 'Тбилиси',
    },
  ])
  Object.assign(ids, { moscow, minsk, berlin, crimea, tbilisi })
  // A case heard in Belarus over the action in Minsk.
  ids.minskCase = await insertCase(t.store.db, {
    kind: 'criminal',
    court: 'Суд Московского района Минска',
    country_id: country('BY'),
  })
  await insertAct(t.store.db, {
    event_id: minsk!,
    act_type_id: terms.act_type.criminal_charge!,
    case_id: ids.minskCase,
  })
  editor = await signIn(t.app, await createStaff(t.store.db, { roles: ['editor'] }))
})
after(() => t.close())

const get = async (url: string, language = 'en') => {
  const response = await t.app.inject({ method: 'GET', url, headers: { 'accept-language': language } })
  assert.equal(response.statusCode, 200, `${url}: ${response.body.slice(0, 300)}`)
  return response.body
}
const json = async (url: string) => JSON.parse(await get(url))

describe('places beyond Russia', () => {
  it('the API gives each event its country and filters by it, Belarus and abroad included', async () => {
    const all = await json('/api/v1/events?from=2024-03&to=2024-03')
    const countries = Object.fromEntries(
      all.data.map((e: { id: number; country: string }) => [e.id, e.country]),
    )
    assert.deepEqual(countries, {
      [ids.moscow!]: 'RU',
      [ids.minsk!]: 'BY',
      [ids.berlin!]: 'DE',
      [ids.crimea!]: 'UA',
      [ids.tbilisi!]: 'GE',
    })
    const belarus = await json('/api/v1/events?country=BY')
    assert.deepEqual(
      belarus.data.map((e: { id: number }) => e.id),
      [ids.minsk],
    )
    assert.equal(belarus.data[0].region, null)
    // Codes are ISO's upper case; a lower-case link still finds the country.
    const abroad = await json('/api/v1/events?country=de&country=ge')
    assert.deepEqual(abroad.data.map((e: { id: number }) => e.id).sort(), [ids.berlin, ids.tbilisi].sort())
    const none = await json('/api/v1/events?country=XX')
    assert.equal(none.data.length, 0)
  })

  it('a sensitive event abroad keeps its town and country, never its exact point', async () => {
    const berlin = await json(`/api/v1/events/${ids.berlin}`)
    assert.equal(berlin.country, 'DE')
    assert.equal(berlin.locality, 'Берлин')
    assert.equal(berlin.coordinates, null)
    assert.equal(berlin.blurred, true)
  })

  it('the list has a country facet and filter; the region facet lists the chosen country’s regions', async () => {
    const list = await get('/chronicle?from=2024-03&to=2024-03')
    assert.match(list, /name="country" value="BY"/)
    assert.match(list, /name="country" value="DE"/)
    // No country chosen: Russia's regions only; Crimea is Ukraine's.
    assert.match(list, /name="region" value="RU-MOW"/)
    assert.doesNotMatch(list, /name="region" value="UA-43"/)
    const belarus = await get('/chronicle?country=BY')
    assert.match(belarus, /Акция в Минске/)
    assert.doesNotMatch(belarus, /Пикет в Москве/)
    assert.match(belarus, /Минск, Belarus/)
    const ukraine = await get('/chronicle?country=UA')
    assert.match(ukraine, /name="region" value="UA-43"/)
    assert.match(ukraine, /Autonomous Republic of Crimea \(occupied\)/)
    assert.doesNotMatch(ukraine, /name="region" value="RU-MOW"/)
  })

  it('statistics count by country, from the rollups and from the events alike', async () => {
    for (const range of ['from=2024-03&to=2024-03', 'from=2024-03-01&to=2024-03-25']) {
      const stats = await json(`/api/v1/stats?${range}`)
      const byCountry = Object.fromEntries(
        stats.byCountry.map((row: { code: string; events: number }) => [row.code, row.events]),
      )
      assert.deepEqual(byCountry, { RU: 1, BY: 1, DE: 1, UA: 1, GE: 1 }, range)
      const crimea = stats.byRegion.find((row: { code: string }) => row.code === 'UA-43')
      assert.equal(crimea.occupied, true)
      assert.equal(crimea.name.ru, 'Автономная Республика Крым (оккупирована)')
      const belarus = await json(`/api/v1/stats?${range}&country=BY`)
      assert.deepEqual(belarus.totals, { events: 1, detained: 3 })
      assert.deepEqual(belarus.filter.country, ['BY'])
    }
    const page = await get('/chronicle/stats?from=2024-03&to=2024-03', 'ru')
    assert.match(
      page,
      /Другие страны[\s\S]*<th scope="row">Беларусь<\/th><td class="num">1<\/td><td class="num">3<\/td>/,
    )
    assert.match(page, /<th scope="row">Германия<\/th>/)
    const csv = await get('/chronicle/stats/country.csv?from=2024-03&to=2024-03')
    assert.match(csv, /^code,name,events,detained/)
    assert.match(csv, /\nBY,Belarus,1,3/)
  })

  it('feeds carry the country in the place line and filter by it', async () => {
    const body = await get('/chronicle/feed.atom?country=DE', 'ru')
    const entries = childrenNamed(parseXml(body), 'entry')
    assert.equal(entries.length, 1)
    assert.match(body, /Берлин, Германия/)
    assert.match(body, /<category scheme="urn:iso:std:iso:3166:-1" term="DE" label="Германия"\/>/)
    const crimea = await get('/chronicle/feed.atom?country=UA', 'uk')
    assert.match(crimea, /Симферополь, Автономна Республіка Крим \(окупована\), Україна/)
  })

  it('an occupied territory is shown as occupied in all three languages', async () => {
    const url = `/chronicle/events/${ids.crimea}`
    assert.match(await get(url, 'ru'), /Автономная Республика Крым \(оккупирована\)/)
    assert.match(await get(url, 'uk'), /Автономна Республіка Крим \(окупована\)/)
    assert.match(await get(url, 'en'), /Autonomous Republic of Crimea \(occupied\)/)
    assert.match(await get(url, 'en'), /<th scope="row">Country<\/th><td>Ukraine<\/td>/)
  })

  it('a case page names the country its court sits in', async () => {
    const page = await get(`/chronicle/cases/${ids.minskCase}`)
    assert.match(page, /<th scope="row">Country<\/th><td>Belarus<\/td>/)
    const russian = await get(`/chronicle/cases/${ids.minskCase}`, 'ru')
    assert.match(russian, /<th scope="row">Страна<\/th><td>Беларусь<\/td>/)
  })

  it('exports carry the country after the region', async () => {
    const csv = await get('/chronicle/export.csv?country=BY')
    const [header, row] = csv.replace(/^\uFEFF/, '').split(/\r?\n/)
    const columns = header!.split(',')
    assert.equal(columns[columns.indexOf('region') + 1], 'country')
    assert.equal(row!.split(',')[columns.indexOf('country')], 'BY')
    const ndjson = await get('/chronicle/export.ndjson?country=BY')
    assert.equal(JSON.parse(ndjson.trim()).country, 'BY')
  })
})

describe('the staff form and countries', () => {
  const form = (overrides: Record<string, string>) => eventFormFields({ country: 'RU', ...overrides })

  it('the staff list gives the country where an event has no region', async () => {
    const response = await editor.get(`/staff/chronicle?q=${encodeURIComponent('Берлине')}`)
    assert.equal(response.statusCode, 200)
    const row =
      new RegExp(`/staff/chronicle/events/${ids.berlin}".*?</tr>`, 's').exec(response.body)?.[0] ?? ''
    assert.match(row, /<td>(Германия|Germany|Німеччина)<\/td>/)
    const moscowRow = new RegExp(`/staff/chronicle/events/${ids.moscow}".*?</tr>`, 's')
    const all = await editor.get('/staff/chronicle')
    assert.match(moscowRow.exec(all.body)?.[0] ?? '', /<td>(Москва|Moscow)<\/td>/)
  })

  it('offers Russia, Belarus, Ukraine and Georgia first, then every other country', async () => {
    const response = await editor.get('/staff/chronicle/events/new')
    const options = [...response.body.matchAll(/<option value="([A-Z]{2})"/g)].map((m) => m[1])
    assert.deepEqual(options.slice(0, 4), ['RU', 'BY', 'UA', 'GE'])
    assert.ok(options.length >= 249, String(options.length))
  })

  it('refuses a region that is not under the chosen country, with a translated reason', async () => {
    for (const [country, region] of [
      ['RU', 'UA-43'],
      ['UA', 'RU-MOW'],
      ['RU', 'GE-AB'],
    ] as const) {
      const response = await editor.post('/staff/chronicle/events', form({ country, region }))
      assert.equal(response.statusCode, 400, `${country} ${region}`)
      assert.match(response.body, /This region is not in the chosen country/)
    }
  })

  it('saves an event abroad with a locality and no region, and an occupied region under its country', async () => {
    const berlin = await editor.post('/staff/chronicle/events', form({ country: 'DE', locality: 'Берлин' }))
    assert.equal(berlin.statusCode, 303, berlin.body.slice(0, 500))
    const sukhumi = await editor.post(
      '/staff/chronicle/events',
      form({ country: 'GE', region: 'GE-AB', locality: 'Сухум' }),
    )
    assert.equal(sukhumi.statusCode, 303)
    // A client that sends no country gets the region's.
    const { country: _, ...noCountry } = form({ region: 'UA-40' })
    const sevastopol = await editor.post('/staff/chronicle/events', noCountry)
    assert.equal(sevastopol.statusCode, 303)
    const rows = await t.store.db
      .selectFrom('chronicle_events as e')
      .leftJoin('vocab_terms as c', 'c.id', 'e.country_id')
      .select(['e.locality', 'c.code'])
      .where('e.created_by', 'is not', null)
      .orderBy('e.id')
      .execute()
    assert.deepEqual(
      rows.map((row) => [row.locality, row.code]),
      [
        ['Берлин', 'DE'],
        ['Сухум', 'GE'],
        [null, 'UA'],
      ],
    )
  })

  it('asks for a country when a place is given without one', async () => {
    const response = await editor.post('/staff/chronicle/events', form({ country: '', locality: 'Ереван' }))
    assert.equal(response.statusCode, 400)
    assert.match(response.body, /Choose the country the place is in/)
  })
})
