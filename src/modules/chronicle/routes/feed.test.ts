import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { childrenNamed, parseXml, type XmlElement } from '../../../../test/support/xml.ts'
import { generateDemo } from '../demo/generate.ts'
import { FEED_SIZE } from '../queries/feed.ts'
import { insertFixtures, marks } from '../testing/api-fixtures.ts'

let t: TestApp
let ids: Awaited<ReturnType<typeof insertFixtures>>
before(async () => {
  t = await testApp()
  ids = await insertFixtures(t.store.db)
  await generateDemo(t.store.db, { events: 300, seed: 3 })
})
after(() => t.close())

const feed = async (query = '', language = 'ru') => {
  const response = await t.app.inject({
    method: 'GET',
    url: `/chronicle/feed.atom${query}`,
    headers: { 'accept-language': language },
  })
  assert.equal(response.statusCode, 200, response.body)
  assert.match(String(response.headers['content-type']), /^application\/atom\+xml; charset=utf-8/)
  return { body: response.body, xml: parseXml(response.body) }
}
const text = (element: XmlElement, name: string) => childrenNamed(element, name)[0]?.text ?? ''
const entryIds = (xml: XmlElement) =>
  childrenNamed(xml, 'entry').map((entry) => Number(text(entry, 'id').split('/').at(-1)))

describe('Atom feeds', () => {
  it('is a valid Atom feed of the most recently published events, newest first', async () => {
    const { xml } = await feed()
    assert.equal(xml.name, 'feed')
    assert.equal(xml.attrs.xmlns, 'http://www.w3.org/2005/Atom')
    for (const name of ['id', 'title', 'updated', 'author'])
      assert.ok(childrenNamed(xml, name).length === 1, name)
    assert.ok(childrenNamed(xml, 'link').some((link) => link.attrs.rel === 'self'))
    const entries = childrenNamed(xml, 'entry')
    assert.equal(entries.length, FEED_SIZE)
    for (const entry of entries) {
      for (const name of ['id', 'title', 'updated', 'published', 'summary'])
        assert.ok(text(entry, name) || name === 'summary', name)
      assert.match(text(entry, 'updated'), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/)
      assert.match(
        childrenNamed(entry, 'link')[0]!.attrs.href!,
        /^http:\/\/localhost:8080\/chronicle\/events\/\d+$/,
      )
    }
    const published = entries.map((entry) => text(entry, 'published'))
    assert.deepEqual(published, [...published].sort().reverse())
  })

  it('holds only published events', async () => {
    const rows = await t.store.db.selectFrom('chronicle_events').select(['id', 'published_at']).execute()
    const isPublished = new Map(rows.map((row) => [Number(row.id), row.published_at !== null]))
    for (const query of ['', '?region=RU-MOW', '?type=detention', '?region=RU-TUL']) {
      const { xml, body } = await feed(query)
      for (const id of entryIds(xml)) assert.equal(isPublished.get(id), true, `${query} entry ${id}`)
      assert.doesNotMatch(body, new RegExp(marks.unpublished))
    }
  })

  it('narrows to a region or a type', async () => {
    const codes = async (column: 'type_id' | 'region_id') => {
      const rows = await t.store.db
        .selectFrom('chronicle_events as e')
        .innerJoin('vocab_terms as v', 'v.id', `e.${column}`)
        .select(['e.id', 'v.code'])
        .execute()
      return new Map(rows.map((row) => [Number(row.id), row.code]))
    }
    const regionOf = await codes('region_id')
    const tula = entryIds((await feed('?region=RU-TUL')).xml)
    assert.ok(tula.includes(ids.sensitive))
    assert.ok(tula.every((id) => regionOf.get(id) === 'RU-TUL'))
    const typeOf = await codes('type_id')
    const picketFeed = await feed('?type=single_picket')
    assert.ok(entryIds(picketFeed.xml).length > 0)
    assert.ok(entryIds(picketFeed.xml).every((id) => typeOf.get(id) === 'single_picket'))
  })

  it('escapes markup and drops characters XML cannot carry', async () => {
    const { xml, body } = await feed('?from=2024-01-01&to=2024-01-01')
    assert.doesNotMatch(body, /<script>/)
    const hostile = childrenNamed(xml, 'entry').find((entry) =>
      text(entry, 'id').endsWith(`/${ids.hostile}`),
    )!
    assert.equal(text(hostile, 'title'), marks.markup.replace('\u0001', ''))
  })

  it('blurs a sensitive event and never names a withheld person', async () => {
    const { body } = await feed('', 'en')
    assert.doesNotMatch(body, new RegExp(marks.withheld))
    const tula = await feed('?region=RU-TUL', 'en')
    assert.doesNotMatch(tula.body, /17 May 2023|2023-05-17/)
    assert.match(tula.body, /May 2023/)
  })

  it('refuses a bad filter', async () => {
    for (const query of ['?from=never', `?q=${'x'.repeat(300)}`, '?region=%3Cx%3E']) {
      const response = await t.app.inject({ method: 'GET', url: `/chronicle/feed.atom${query}` })
      assert.equal(response.statusCode, 400, query)
    }
  })
})
