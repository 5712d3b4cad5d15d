import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Agent, agent } from '../../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import {
  type EventSpec,
  ensureTerms,
  insertAct,
  insertCase,
  insertEvents,
  insertPerson,
  type TermIds,
} from '../testing/events.ts'

let t: TestApp
let terms: TermIds
let visitor: Agent
const published: number[] = []
let unpublished: number
let tulaDetention: number
let moscowPicket: number
let englishOnly: number
let monthOnly: number

// Links to event permalinks on a page, in order.
const eventIds = (body: string) =>
  [...body.matchAll(/href="\/chronicle\/events\/(\d+)"/g)].map((m) => Number(m[1]))
const decodeEntities = (text: string) =>
  text.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)))
const link = (body: string, rel: 'next' | 'prev') => {
  const href = new RegExp(`rel="${rel}" href="([^"]+)"`).exec(body)?.[1]
  return href ? decodeEntities(href) : null
}

before(async () => {
  t = await testApp()
  const db = t.store.db
  terms = await ensureTerms(db)
  visitor = agent(t.app, 'en')
  // 120 filler events over a year, several on the same day, so paging crosses ties in start_date.
  const filler: EventSpec[] = []
  for (let i = 0; i < 120; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0')
    const month = String(1 + (Math.floor(i / 10) % 12)).padStart(2, '0')
    filler.push({
      title: { ru: `Пикет номер ${i}`, en: `Picket number ${i}` },
      type_id: terms.event_type.picket,
      region_id: i % 2 ? terms.region['RU-SPE'] : terms.region['RU-MOW'],
      start_date: `2023-${month}-${day}`,
      start_precision: 'day',
      status: i % 7 === 0 ? 'disputed' : 'verified',
    })
  }
  published.push(...(await insertEvents(db, filler)))
  // Undated events come last in the list.
  published.push(
    ...(await insertEvents(db, [
      { title: { ru: 'Событие без даты 1' }, type_id: terms.event_type.protest },
      { title: { ru: 'Событие без даты 2' }, type_id: terms.event_type.protest },
    ])),
  )
  ;[tulaDetention] = (await insertEvents(db, [
    {
      title: { ru: 'В Туле задержали анархистов за антивоенные граффити' },
      summary: {
        ru: 'Задержание произошло ночью; задержан ещё один человек. Кавычки "и" амперсанд & знак 2 < 3 > 1 <i>тег</i>',
      },
      type_id: terms.event_type.detention,
      region_id: terms.region['RU-TUL'],
      locality: 'Тула',
      start_date: '2024-02-10',
      start_precision: 'day',
      detained: 3,
    },
  ])) as [number]
  ;[moscowPicket] = (await insertEvents(db, [
    {
      title: { ru: 'Одиночный пикет у Госдумы', en: 'Single picket by the State Duma' },
      type_id: terms.event_type.picket,
      region_id: terms.region['RU-MOW'],
      start_date: '2024-03-01',
      start_precision: 'day',
      status: 'disputed',
    },
  ])) as [number]
  ;[englishOnly] = (await insertEvents(db, [
    {
      title: { en: 'Protesters detained after a rally in St Petersburg' },
      summary: { en: 'Police detained twelve protesters.' },
      type_id: terms.event_type.detention,
      region_id: terms.region['RU-SPE'],
      start_date: '2024-04-05',
      start_precision: 'day',
    },
  ])) as [number]
  ;[monthOnly] = (await insertEvents(db, [
    {
      title: { ru: 'Задержания на митинге', en: 'Detentions at a rally' },
      type_id: terms.event_type.detention,
      region_id: terms.region['RU-MOW'],
      start_date: '2012-05-01',
      start_precision: 'month',
    },
  ])) as [number]
  published.push(tulaDetention, moscowPicket, englishOnly, monthOnly)
  ;[unpublished] = (await insertEvents(db, [
    {
      title: { ru: 'Черновик, не опубликован' },
      status: 'reported',
      published_at: null,
      start_date: '2024-05-01',
    },
  ])) as [number]
  const caseId = await insertCase(db, { kind: 'administrative', articleIds: [terms.article['koap-20.3.3']!] })
  await insertAct(db, {
    event_id: moscowPicket,
    act_type_id: terms.act_type.administrative_charge!,
    case_id: caseId,
  })
  const named = await insertPerson(db, {
    name_cyrillic: 'Мария Открытая',
    name_latin: 'Maria Otkrytaya',
    visibility: 'named',
    visibility_source: 'court record',
  })
  await insertAct(db, {
    event_id: moscowPicket,
    act_type_id: terms.act_type.detention!,
    person_id: named,
    case_id: caseId,
  })
})
after(() => t.close())

describe('the public list', () => {
  it('walks every published event exactly once with next links, newest first, undated last', async () => {
    const seen: number[] = []
    let url: string | null = '/chronicle'
    let pages = 0
    while (url) {
      const response = await visitor.get(url)
      assert.equal(response.statusCode, 200)
      const ids = eventIds(response.body)
      assert.ok(ids.length <= 50)
      seen.push(...ids)
      url = link(response.body, 'next')
      pages++
    }
    assert.equal(pages, 3)
    assert.equal(seen.length, new Set(seen).size, 'no event twice')
    assert.deepEqual(new Set(seen), new Set(published))
    assert.ok(!seen.includes(unpublished))
    assert.deepEqual(seen.slice(-2), published.slice(120, 122).reverse(), 'undated events last, by id')
    assert.equal(seen[0], englishOnly, 'newest first')
  })

  it('walks back with previous links to the same pages', async () => {
    const forward: number[][] = []
    let url: string | null = '/chronicle'
    let last = ''
    while (url) {
      const response = await visitor.get(url)
      forward.push(eventIds(response.body))
      last = response.body
      url = link(response.body, 'next')
    }
    const backward: number[][] = []
    url = link(last, 'prev')
    while (url) {
      const response = await visitor.get(url)
      backward.unshift(eventIds(response.body))
      url = link(response.body, 'prev')
    }
    assert.deepEqual(backward, forward.slice(0, -1))
  })

  it('combines filters and shows facet counts for them', async () => {
    const response = await visitor.get(
      '/chronicle?type=picket&region=RU-MOW&from=2024-01&to=2024-12&status=disputed',
    )
    assert.equal(response.statusCode, 200)
    assert.deepEqual(eventIds(response.body), [moscowPicket])
    assert.match(response.body, /1 event\b/)
    // The type facet counts Moscow's disputed 2024 events of every type; the picket box stays checked.
    assert.match(response.body, /name="type" value="picket" checked/)
    const article = await visitor.get('/chronicle?article=koap-20.3.3')
    assert.deepEqual(eventIds(article.body), [moscowPicket])
    const month = await visitor.get('/chronicle?from=2023-03&to=2023-03-31&region=RU-SPE')
    const ids = eventIds(month.body)
    assert.equal(ids.length, 5)
    assert.match(
      month.body,
      /id="field-type-picket"[^>]*>\s*<label for="field-type-picket">Picket <span class="hint">\(<span class="visually-hidden">events: <\/span>5\)/,
    )
  })

  it('counts types and regions beside the options', async () => {
    const response = await visitor.get('/chronicle')
    // 120 fillers + the Moscow picket are pickets.
    assert.match(
      response.body,
      /Picket <span class="hint">\(<span class="visually-hidden">events: <\/span>121\)/,
    )
    assert.match(
      response.body,
      /Tula Oblast <span class="hint">\(<span class="visually-hidden">events: <\/span>1\)/,
    )
    assert.match(response.body, /126 events/)
  })

  it('counts statuses and articles beside the options, each under every filter but its own', async () => {
    const option = (code: string, n: number, selected = '') =>
      new RegExp(`<option value="${code.replaceAll('.', '\\.')}" ${selected}>[^<]* \\(${n}\\)</option>`)
    const count = (n: number) =>
      `<span class="hint">\\(<span class="visually-hidden">events: <\\/span>${n}\\)`
    // 18 of the 120 fillers and the Moscow picket are disputed.
    const all = await visitor.get('/chronicle')
    assert.match(all.body, new RegExp(`<label for="field-status-verified">verified ${count(107)}`))
    assert.match(all.body, new RegExp(`<label for="field-status-disputed">disputed ${count(19)}`))
    // Two acts of the picket name one case: the event counts once.
    assert.match(all.body, option('koap-20.3.3', 1))
    const disputed = await visitor.get('/chronicle?status=disputed&article=koap-20.3.3')
    assert.deepEqual(eventIds(disputed.body), [moscowPicket])
    assert.match(disputed.body, /name="status" value="disputed" checked/)
    assert.match(disputed.body, new RegExp(`<label for="field-status-verified">verified ${count(0)}`))
    assert.match(disputed.body, new RegExp(`<label for="field-status-disputed">disputed ${count(1)}`))
    assert.match(disputed.body, option('koap-20.3.3', 1, 'selected'))
    assert.match(disputed.body, option('koap-20.2', 0))
    const spb = await visitor.get('/chronicle?region=RU-SPE')
    assert.match(spb.body, option('koap-20.3.3', 0))
  })

  it('shows a month-precision date as a month in the reader’s language', async () => {
    const en = await visitor.get('/chronicle?from=2012-05&to=2012-05')
    assert.match(en.body, /<time datetime="2012-05">May 2012<\/time>/)
    const ru = await agent(t.app, 'ru').get('/chronicle?from=2012-05&to=2012-05')
    assert.match(ru.body, /май 2012/)
  })

  it('reads a form sent with every field empty as no filter', async () => {
    const response = await visitor.get('/chronicle?q=&article=&from=&to=&after=')
    assert.equal(response.statusCode, 200)
    assert.equal(eventIds(response.body).length, 50)
  })

  it('shows an empty state when nothing matches', async () => {
    const response = await visitor.get('/chronicle?region=RU-KC')
    assert.equal(response.statusCode, 200)
    assert.match(response.body, /No published event matches this filter/)
  })
})

describe('search', () => {
  it('finds Russian inflected forms and highlights them', async () => {
    const detained = await visitor.get(`/chronicle?q=${encodeURIComponent('задержали')}`)
    assert.ok(eventIds(detained.body).includes(tulaDetention))
    assert.match(detained.body, /<mark>задержали<\/mark>/)
    // "задержание" and "задержания" share a stem.
    const detention = await visitor.get(`/chronicle?q=${encodeURIComponent('задержания')}`)
    assert.ok(eventIds(detention.body).includes(tulaDetention))
    assert.ok(eventIds(detention.body).includes(monthOnly))
    assert.match(detention.body, /<mark>Задержание<\/mark>/)
  })

  it('finds English with stemming', async () => {
    const response = await visitor.get('/chronicle?q=protester')
    assert.deepEqual(eventIds(response.body), [englishOnly])
    assert.match(response.body, /<mark>Protesters<\/mark>/)
  })

  it('escapes the text around highlights', async () => {
    const response = await visitor.get(`/chronicle?q=${encodeURIComponent('задержан')}`)
    const summary = /<p lang="ru">(.*<mark>Задержание<\/mark>.*)<\/p>/.exec(response.body)?.[1] ?? ''
    assert.match(summary, /&#34;и&#34; амперсанд &#38; знак 2 &#60; 3 &#62; 1/)
    assert.doesNotMatch(summary.replace(/<\/?mark>/g, ''), /[<>"]|&(?!#\d+;)/)
  })
})

describe('hostile query strings', () => {
  it('refuses an oversized search with a message', async () => {
    const response = await visitor.get(`/chronicle?q=${'я'.repeat(5000)}`)
    assert.equal(response.statusCode, 400)
    assert.match(response.body, /This is too long/)
  })

  it('refuses broken UTF-8 with a message', async () => {
    for (const url of ['/chronicle?q=%FF', '/chronicle?q=abc%E2%82', '/chronicle?region=%C0']) {
      const response = await visitor.get(url)
      assert.equal(response.statusCode, 400, url)
      assert.match(response.body, /broken encoding/)
    }
  })

  it('treats SQL fragments as words', async () => {
    for (const q of [
      "' OR 1=1; DROP TABLE chronicle_events; --",
      '")) UNION SELECT * FROM users --',
      '& | ! :* (',
    ]) {
      const response = await visitor.get(`/chronicle?q=${encodeURIComponent(q)}`)
      assert.equal(response.statusCode, 200, q)
    }
    assert.ok(await t.store.db.selectFrom('chronicle_events').select('id').executeTakeFirst())
  })

  it('echoes markup in q escaped', async () => {
    const response = await visitor.get(`/chronicle?q=${encodeURIComponent('<script>alert(1)</script>')}`)
    assert.equal(response.statusCode, 200)
    assert.doesNotMatch(response.body, /<script>alert/)
    assert.match(response.body, /&#60;script&#62;alert\(1\)&#60;\/script&#62;/)
  })

  it('refuses bad filter values and cursors with 400, never 500', async () => {
    for (const url of [
      '/chronicle?from=2012-13',
      '/chronicle?to=yesterday',
      '/chronicle?type=%3Cb%3E',
      '/chronicle?status=pending',
      '/chronicle?after=garbage',
      '/chronicle?before=2024-02-30.5',
      '/chronicle?before=0',
      '/chronicle?after=-1',
      `/chronicle?after=${'1'.repeat(100)}`,
      '/chronicle?region=x&region=y&region=%00',
    ]) {
      const response = await visitor.get(url)
      assert.equal(response.statusCode, 400, url)
      assert.match(response.body, /error-summary/, url)
    }
  })

  it('ignores unknown codes by matching nothing', async () => {
    const response = await visitor.get('/chronicle?region=XX-NOPE')
    assert.equal(response.statusCode, 200)
    assert.deepEqual(eventIds(response.body), [])
  })
})

describe('permalinks', () => {
  it('shows a published event with its people and cases', async () => {
    const response = await visitor.get(`/chronicle/events/${moscowPicket}`)
    assert.equal(response.statusCode, 200)
    assert.match(response.body, /Single picket by the State Duma/)
    assert.match(response.body, /Maria Otkrytaya/)
    assert.match(response.body, /КоАП 20\.3\.3 — Discrediting/)
    assert.match(response.body, /disputed/)
  })

  it('answers 404 for unpublished, unknown and malformed ids', async () => {
    for (const url of [
      `/chronicle/events/${unpublished}`,
      '/chronicle/events/999999',
      '/chronicle/events/abc',
      '/chronicle/events/0',
      `/chronicle/events/${'9'.repeat(40)}`,
      '/chronicle/persons/999999',
      '/chronicle/cases/999999',
    ]) {
      const response = await visitor.get(url)
      assert.equal(response.statusCode, 404, url)
    }
  })

  it('shows a case with its article and events', async () => {
    const caseId = (
      await t.store.db
        .selectFrom('chronicle_acts')
        .select('case_id')
        .where('event_id', '=', moscowPicket)
        .executeTakeFirstOrThrow()
    ).case_id
    const response = await visitor.get(`/chronicle/cases/${caseId}`)
    assert.equal(response.statusCode, 200)
    assert.match(response.body, /Administrative case #\d+/)
    assert.match(response.body, /КоАП 20\.3\.3 — Discrediting/)
    assert.match(response.body, new RegExp(`/chronicle/events/${moscowPicket}`))
  })
})

describe('the list’s layout and links', () => {
  it('puts filters in a panel beside the results, open only when a filter is set, results as cards', async () => {
    const plain = (await visitor.get('/chronicle')).body
    assert.match(plain, /<div class="data-layout">\s*<details class="filter-panel" >/)
    assert.match(
      plain,
      /<div class="results"[^>]*>[\s\S]*<ol class="cards"><li class="card"><h3><a href="\/chronicle\/events\/\d+">/,
    )
    assert.match(plain, /<p class="meta">/)
    // The long groups fold, closed until one of their boxes is ticked.
    assert.match(plain, /<details class="facet" ><summary>Region<\/summary>/)
    assert.match(plain, /<details class="facet" ><summary>Type of event<\/summary>/)
    const filtered = (await visitor.get('/chronicle?region=RU-MOW')).body
    assert.match(filtered, /<details class="filter-panel" open>/)
    assert.match(filtered, /<details class="facet" open><summary>Region/)
    assert.match(filtered, /<details class="facet" ><summary>Type of event<\/summary>/)
  })

  it('links to the statistics, the feed, the exports and the API, each keeping the filter, and names its feed in the head', async () => {
    const page = decodeEntities((await visitor.get('/chronicle?region=RU-MOW&type=picket')).body)
    const query = 'type=picket&region=RU-MOW'
    assert.match(page, new RegExp(`href="/chronicle/stats\\?${query}"`))
    assert.match(page, new RegExp(`href="/chronicle/feed\\.atom\\?${query}"`))
    for (const format of ['csv', 'ndjson', 'json'])
      assert.match(page, new RegExp(`href="/chronicle/export\\.${format}\\?${query}"`))
    assert.match(page, /href="\/api\/openapi\.json"/)
    const head = /<head>([\s\S]*)<\/head>/.exec(page)?.[1] ?? ''
    assert.match(
      head,
      new RegExp(
        `<link rel="alternate" type="application/atom\\+xml" href="/chronicle/feed\\.atom\\?${query}" title="[^"]+">`,
      ),
    )
    const all = (await visitor.get('/chronicle')).body
    assert.match(
      all,
      /<link rel="alternate" type="application\/atom\+xml" href="\/chronicle\/feed\.atom" title="Lifeline chronicle: new events">/,
    )
    const event = (await visitor.get(`/chronicle/events/${moscowPicket}`)).body
    assert.match(event, /<link rel="alternate" type="application\/atom\+xml" href="\/chronicle\/feed\.atom"/)
    // A filter that didn't parse is not carried onwards.
    const bad = (await visitor.get('/chronicle?from=2022-13')).body
    assert.match(bad, /href="\/chronicle\/stats"/)
  })

  it('orders facets by count, then by label in the reader’s alphabet, never by code', async () => {
    const ru = (await agent(t.app, 'ru').get('/chronicle')).body
    const boxes = (name: string, page: string) =>
      [...page.matchAll(new RegExp(`name="${name}" value="([^"]+)"`, 'g'))].map((match) => match[1])
    // 61 Moscow events (60 fillers and the picket, the month-only rally) before 61 in St Petersburg, then Tula.
    assert.deepEqual(boxes('region', ru).slice(0, 3), ['RU-MOW', 'RU-SPE', 'RU-TUL'])
    // Types: the picket (121) first; types without events follow in Russian alphabetical order.
    const types = boxes('type', ru)
    assert.equal(types[0], 'picket')
    const labels = [
      ...ru.matchAll(
        /name="type" value="[^"]+"[^>]*> <label for="[^"]+">([^<]+) <span class="hint">\([^)]*>0\)/g,
      ),
    ].map((match) => match[1]!)
    assert.ok(labels.length > 3)
    assert.deepEqual(labels, [...labels].sort(new Intl.Collator('ru').compare))
  })

  it('says a locality that is its region’s own name once', async () => {
    const [id] = await insertEvents(t.store.db, [
      {
        title: { ru: 'Пикет на Пушкинской' },
        type_id: terms.event_type.picket,
        region_id: terms.region['RU-MOW'],
        locality: 'Москва',
        start_date: '2025-01-10',
        start_precision: 'day',
      },
    ])
    const ru = agent(t.app, 'ru')
    const list = (await ru.get('/chronicle?from=2025-01-10&to=2025-01-10')).body
    assert.deepEqual(eventIds(list), [id])
    assert.match(list, /Москва · Пикет/)
    assert.doesNotMatch(list, /Москва, Москва/)
    const page = (await ru.get(`/chronicle/events/${id}`)).body
    assert.equal(page.match(/>Москва</g)?.length, 1)
  })
})
