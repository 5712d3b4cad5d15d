/**
 * No public output names a withheld (or anonymous) person or shows a sensitive event's exact place
 * or day. The routes are discovered, not listed: every public GET route the app registers is
 * fetched (parameters filled with the ids and codes below, in each language, with filter variants),
 * and every local link on what comes back is followed, so pages, API, feeds, exports and charts
 * added later are checked without editing this file.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  ensureTerms,
  insertAct,
  insertCase,
  insertEvents,
  insertPerson,
} from '../src/modules/chronicle/testing/events.ts'
import { type TestApp, testApp } from './support/app.ts'

let t: TestApp
const ids = { events: [] as number[], persons: [] as number[], cases: [] as number[] }
let sensitiveEvent = 0
let withheld = 0
let named = 0

// What must never appear: names of people who are not named in public, the coordinates and the
// exact days of the sensitive event (in every format and language a page or file might use).
const hiddenNames = ['Засекреченный', 'Zasekrechenny', 'Анонимова', 'Anonimova']
// Tula's, and Berlin's for a sensitive event abroad (blurred to its town and country, with no region).
const hiddenCoordinates = [/54[.,]1932/, /37[.,]6173/, /52[.,]5173/, /13[.,]3829/]
function exactDays(): string[] {
  const out = new Set<string>()
  for (const day of ['2024-03-17', '2024-03-18']) {
    const [y, m, d] = day.split('-')
    out.add(day).add(`${d}.${m}.${y}`).add(`${m}/${d}/${y}`).add(`${y}${m}${d}`).add(`${d}/${m}/${y}`)
    const date = new Date(`${day}T12:00:00Z`)
    for (const locale of ['ru', 'uk', 'en', 'en-GB']) {
      for (const dateStyle of ['short', 'medium', 'long', 'full'] as const) {
        out.add(new Intl.DateTimeFormat(locale, { dateStyle, timeZone: 'UTC' }).format(date))
      }
      out.add(
        new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(date),
      )
      out.add(
        new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(date),
      )
    }
  }
  return [...out]
}
const hiddenDays = exactDays()

before(async () => {
  t = await testApp()
  const db = t.store.db
  const terms = await ensureTerms(db)
  ;[sensitiveEvent] = (await insertEvents(db, [
    {
      title: { ru: 'Задержания у кремля в Туле', en: 'Detentions by the Tula kremlin' },
      summary: {
        ru: 'Полиция задержала участников антивоенной акции.',
        en: 'Police detained anti-war protesters.',
      },
      type_id: terms.event_type.detention,
      region_id: terms.region['RU-TUL'],
      locality: 'Тула',
      latitude: 54.193214,
      longitude: 37.617348,
      coord_precision: 'exact',
      start_date: '2024-03-17',
      start_precision: 'day',
      end_date: '2024-03-18',
      end_precision: 'day',
      detained: 3,
      sensitive: true,
    },
  ])) as [number]
  // A sensitive event abroad: no region, a town and a country.
  const germany = await db
    .selectFrom('vocab_terms')
    .select('id')
    .where('vocabulary', '=', 'country')
    .where('code', '=', 'DE')
    .executeTakeFirstOrThrow()
  const [abroad] = (await insertEvents(db, [
    {
      title: { ru: 'Акция солидарности в Берлине', en: 'Solidarity action in Berlin' },
      type_id: terms.event_type.protest,
      country_id: germany.id,
      locality: 'Берлин',
      latitude: 52.517389,
      longitude: 13.382914,
      coord_precision: 'exact',
      start_date: '2024-03-17',
      start_precision: 'day',
      sensitive: true,
    },
  ])) as [number]
  const [open] = (await insertEvents(db, [
    {
      title: { ru: 'Пикет в Москве', en: 'Picket in Moscow' },
      type_id: terms.event_type.picket,
      region_id: terms.region['RU-MOW'],
      locality: 'Москва',
      start_date: '2024-01-20',
      start_precision: 'day',
    },
  ])) as [number]
  const [draft] = (await insertEvents(db, [
    {
      title: { ru: 'Черновик' },
      status: 'reported',
      published_at: null,
      start_date: '2024-03-17',
      start_precision: 'day',
    },
  ])) as [number]
  ids.events.push(sensitiveEvent, abroad, open, draft)

  withheld = await insertPerson(db, {
    name_cyrillic: 'Засекреченный Виктор',
    name_latin: 'Zasekrechenny Viktor',
    visibility: 'withheld',
    locality: 'Тула',
    birth_year: 1990,
  })
  const anonymous = await insertPerson(db, {
    name_cyrillic: 'Анонимова Светлана',
    name_latin: 'Anonimova Svetlana',
    visibility: 'anonymous',
    locality: 'Тула',
    birth_year: 1996,
  })
  named = await insertPerson(db, {
    name_cyrillic: 'Открытый Пётр',
    name_latin: 'Otkryty Pyotr',
    visibility: 'named',
    visibility_source: 'public court record',
  })
  // Someone withheld who appears only in a draft: no page for them either.
  const draftOnly = await insertPerson(db, {
    name_cyrillic: 'Засекреченный Черновик',
    visibility: 'anonymous',
  })
  ids.persons.push(withheld, anonymous, named, draftOnly)

  const criminal = await insertCase(db, {
    kind: 'criminal',
    court: 'Центральный районный суд Тулы',
    articleIds: [terms.article['uk-207.3']!],
  })
  ids.cases.push(criminal)
  await db
    .insertInto('chronicle_case_stages')
    .values([
      { case_id: criminal, stage: 'charge', on_date: '2024-05-02' },
      // A hearing the day after the sensitive detention: shown to the day, it would date the detention.
      { case_id: criminal, stage: 'arrest hearing', on_date: '2024-03-18', date_precision: 'day' },
    ])
    .execute()
  for (const person of [withheld, anonymous, named]) {
    await insertAct(db, {
      event_id: sensitiveEvent,
      act_type_id: terms.act_type.detention!,
      person_id: person,
    })
  }
  await insertAct(db, {
    event_id: sensitiveEvent,
    act_type_id: terms.act_type.criminal_charge!,
    person_id: withheld,
    case_id: criminal,
  })
  await insertAct(db, { event_id: open, act_type_id: terms.act_type.detention!, person_id: withheld })
  await insertAct(db, { event_id: draft, act_type_id: terms.act_type.detention!, person_id: draftOnly })
  await db
    .insertInto('chronicle_sources')
    .values({
      event_id: sensitiveEvent,
      url: 'https://example.org/news/tula-detentions',
      publisher: 'Example News',
      published_on: '2024-03-17',
      reliability: 'high',
    })
    .execute()
})
after(() => t.close())

type Fetched = { url: string; status: number; type: string; body: string }

let address = 0
async function fetch(url: string, language: string): Promise<Fetched> {
  // A different address for each request, so the rate limit never cuts the crawl short.
  address++
  const response = await t.app.inject({
    method: 'GET',
    url,
    headers: { 'accept-language': language, accept: 'text/html,application/json;q=0.9,*/*;q=0.8' },
    remoteAddress: `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`,
  })
  return {
    url,
    status: response.statusCode,
    type: String(response.headers['content-type'] ?? ''),
    body: response.body,
  }
}

// Text as a reader (or a program) would read it: entities and JSON escapes decoded.
function readable(fetched: Fetched): string {
  let text = fetched.body
  if (/json/.test(fetched.type) && !/ndjson/.test(fetched.type)) {
    try {
      text = JSON.stringify(JSON.parse(text))
    } catch {}
  }
  return text
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&nbsp;/g, ' ')
    .replace(/\u00a0|\u202f/g, ' ')
}

function leaks(fetched: Fetched): string[] {
  const text = readable(fetched)
  const found: string[] = []
  for (const name of hiddenNames) if (text.includes(name)) found.push(`name ${name}`)
  for (const pattern of hiddenCoordinates) if (pattern.test(text)) found.push(`coordinates ${pattern}`)
  for (const day of hiddenDays)
    if (text.includes(day.replace(/\u00a0|\u202f/g, ' '))) found.push(`exact day "${day}"`)
  return found
}

// Every value a route parameter might take here: the ids of every record, and the codes used.
const parameterValues = () => [
  ...new Set([...ids.events, ...ids.persons, ...ids.cases].map(String)),
  'RU-TUL',
  'detention',
  'uk-207.3',
  'csv',
  'json',
  'ndjson',
]
const queryVariants = [
  '',
  '?region=RU-TUL',
  '?country=DE',
  '?q=Тула',
  '?type=detention',
  '?from=2024-03&to=2024-03',
  '?format=csv',
]

function startUrls(): string[] {
  const urls: string[] = []
  const routes = t.app.lifelineRoutes.filter((route) => route.policy === 'public' && route.method === 'GET')
  for (const { url } of routes) {
    if (url.includes('*')) continue
    const params = url.match(/:\w+/g) ?? []
    if (!params.length) {
      for (const variant of queryVariants) urls.push(`${url}${variant}`)
      continue
    }
    if (params.length > 2) continue
    let filled = [url]
    for (const param of params) {
      filled = filled.flatMap((partial) =>
        parameterValues().map((value) => partial.replace(param, encodeURIComponent(value))),
      )
    }
    urls.push(...filled)
  }
  return urls
}

function localLinks(fetched: Fetched): string[] {
  if (!/html|xml|json/.test(fetched.type)) return []
  const links: string[] = []
  for (const match of readable(fetched).matchAll(
    /(?:href|src)="(\/[^"/][^"]*|\/)"|"(?:url|href|next|download)":"(\/[^"]*)"/g,
  )) {
    const link = (match[1] ?? match[2] ?? '').replace(/&amp;/g, '&')
    if (!link.startsWith('/assets/') && !link.startsWith('//') && !/[?&]lang=/.test(link)) links.push(link)
  }
  return links
}

describe('redaction of every public output', () => {
  it('never shows a withheld or anonymous name, nor a sensitive event’s exact place or day', async (context) => {
    const seen = new Set<string>()
    const queue = startUrls().map((url) => ({ url, language: 'en' }))
    for (const url of startUrls()) queue.push({ url, language: 'ru' }, { url, language: 'uk' })
    const failures: string[] = []
    const fetched: Fetched[] = []
    while (queue.length && fetched.length < 2000) {
      const next = queue.shift()!
      const key = `${next.language} ${next.url}`
      if (seen.has(key)) continue
      seen.add(key)
      const result = await fetch(next.url, next.language)
      fetched.push(result)
      for (const leak of leaks(result)) failures.push(`${next.language} ${next.url}: ${leak}`)
      // Follow links (pages, feeds, exports, CSV under charts) in the same language.
      for (const link of localLinks(result)) queue.push({ url: link, language: next.language })
    }
    const paths = new Set(fetched.map((item) => item.url.split('?')[0]))
    context.diagnostic(`${fetched.length} responses from ${paths.size} paths checked`)
    assert.deepEqual(failures, [])

    // The crawl reached what it is meant to check, and the checks could have failed.
    const urls = new Set(fetched.map((item) => item.url))
    assert.ok(urls.has('/chronicle'), 'the list was fetched')
    assert.ok(urls.has(`/chronicle/events/${sensitiveEvent}`), 'the sensitive event was fetched')
    const page = fetched.find(
      (item) => item.url === `/chronicle/events/${sensitiveEvent}` && item.status === 200,
    )
    assert.ok(page)
    assert.match(readable(page), /Тула/, 'the blur keeps the locality')
    assert.match(readable(page), /March 2024|март 2024|березень 2024/, 'the blur keeps the month')
    assert.match(readable(page), /Otkryty Pyotr|Открытый Пётр/, 'a named person is shown')
    assert.match(readable(page), /a resident of Тула, 28|Тула, 28/, 'an anonymous person is described')
    assert.match(readable(page), /Example News/, 'the source is shown')
  })

  it('does not let a day-by-day date filter find a sensitive event’s exact day', async () => {
    // Any public route taking the shared filter: the sensitive event must show up for a range of
    // days either for every day of its month or for none, never for its own day alone.
    const titles = ['Detentions by the Tula kremlin', 'Задержания у кремля в Туле']
    const shows = (fetched: Fetched) => titles.some((title) => readable(fetched).includes(title))
    const routes = t.app.lifelineRoutes.filter(
      (route) => route.policy === 'public' && route.method === 'GET' && !/[:*]/.test(route.url),
    )
    const failures: string[] = []
    for (const { url } of routes) {
      const exact = await fetch(`${url}?from=2024-03-17&to=2024-03-17`, 'en')
      const other = await fetch(`${url}?from=2024-03-05&to=2024-03-05`, 'en')
      if (exact.status === 200 && shows(exact) && !shows(other)) failures.push(url)
    }
    assert.deepEqual(failures, [])
    const month = await fetch('/chronicle?from=2024-03-01&to=2024-03-31', 'en')
    assert.ok(shows(month), 'a whole month finds it')
  })

  it('has no page for a withheld person or one in no published event', async () => {
    for (const id of [withheld, ids.persons[3]!]) {
      const response = await fetch(`/chronicle/persons/${id}`, 'en')
      assert.equal(response.status, 404)
    }
    assert.equal((await fetch(`/chronicle/persons/${named}`, 'en')).status, 200)
  })

  it('finds nothing by searching for a withheld name (the query itself is echoed, nothing else)', async () => {
    const response = await fetch(`/chronicle?q=${encodeURIComponent('Засекреченный')}`, 'ru')
    assert.equal(response.status, 200)
    assert.doesNotMatch(response.body, /\/chronicle\/events\/\d+"/)
  })
})
