/**
 * The statistics page in Chromium: with JavaScript off a reader filters through the plain form and
 * gets charts, map and tables; every SVG parses as XML; axe finds no serious violation.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Browser } from 'playwright-core'
import { follow, jsModes, newPage, seriousViolations, slow, visit } from '../../../../test/support/browser.ts'
import { type TestServer, useServerAndBrowser } from '../../../../test/support/server.ts'

let server: TestServer
let browser: Browser

useServerAndBrowser((started) => {
  ;({ server, browser } = started)
})

async function seed() {
  const db = server.store.db
  const terms = await db.selectFrom('vocab_terms').select(['id', 'vocabulary', 'code']).execute()
  const id = (vocabulary: string, code: string) =>
    terms.find((t) => t.vocabulary === vocabulary && t.code === code)?.id
  const rows = [
    ['RU-MOW', 'protest', '2022-02-24', 100],
    ['RU-MOW', 'picket', '2022-03-06', 5],
    ['RU-SPE', 'protest', '2022-03-15', 30],
    ['UA-43', 'picket', '2022-04-20', 2],
  ] as const
  await db
    .insertInto('chronicle_events')
    .values(
      rows.map(([region, type, date, detained]) => ({
        title: JSON.stringify({ en: 'Event' }),
        region_id: id('region', region) ?? null,
        type_id: id('event_type', type) ?? null,
        start_date: date,
        start_precision: 'day' as const,
        detained,
        status: 'verified' as const,
        published_at: new Date(),
      })),
    )
    .execute()
}

test('the statistics page works without JavaScript, with SVG that parses as XML', slow, async () => {
  await seed()
  for (const mode of jsModes) {
    const page = await newPage(browser, mode)
    await visit(page, `${server.url}/chronicle/stats`)
    assert.match(
      (await page.locator('main').textContent()) ?? '',
      /In all: 4 events, 137 people detained/,
      mode.label,
    )
    await page.getByLabel('Region', { exact: true }).selectOption(['RU-MOW'])
    await page.getByLabel('From', { exact: true }).fill('2022-02')
    await follow(page, page.getByRole('button', { name: 'Show' }))
    assert.match(
      (await page.locator('main').textContent()) ?? '',
      /In all: 2 events, 105 people detained/,
      mode.label,
    )
    assert.match(page.url(), /region=RU-MOW/)
    const svgs = await page
      .locator('main svg[role="img"]')
      .evaluateAll((nodes) => nodes.map((node) => node.outerHTML))
    assert.ok(svgs.length >= 4, mode.label)
    // Only the JavaScript-on page can run DOMParser; the SVG is the same in both.
    if (mode.javaScriptEnabled) {
      const errors = await page.evaluate(
        (list) =>
          list.map(
            (svg) =>
              new DOMParser().parseFromString(svg, 'image/svg+xml').querySelector('parsererror')
                ?.textContent ?? '',
          ),
        svgs,
      )
      assert.deepEqual(errors.filter(Boolean), [])
    }
    await page.context().close()
  }
})

test('the statistics page passes axe, with figures and with a filter error', slow, async () => {
  const page = await newPage(browser, { javaScriptEnabled: true, bypassCSP: true })
  const problems: string[] = []
  await visit(page, `${server.url}/chronicle/stats?measure=detained`)
  problems.push(...(await seriousViolations(page, 'statistics')))
  const response = await page.goto(`${server.url}/chronicle/stats?from=2022-13`)
  assert.equal(response?.status(), 400)
  problems.push(...(await seriousViolations(page, 'statistics with a filter error')))
  assert.deepEqual(problems, [])
  await page.context().close()
})
