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
    // The longest region names, so the label test below has something to clip.
    ['RU-KHM', 'refusal_to_serve', '2022-05-01', 1],
    ['RU-YAN', 'refusal_to_serve', '2022-05-02', 0],
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
      /In all: 6 events, 138 people detained/,
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

test('no chart label is clipped in Russian, the longest of the languages', slow, async () => {
  const page = await newPage(browser, { javaScriptEnabled: true })
  await visit(page, `${server.url}/chronicle/stats?lang=ru`)
  // Every text drawn in a chart, by its box in the chart's own units, against the chart's viewBox.
  const outside = await page.locator('main svg[role="img"]').evaluateAll((svgs) =>
    svgs.flatMap((svg) => {
      const box = (svg as SVGSVGElement).viewBox.baseVal
      return [...svg.querySelectorAll('text')].flatMap((text) => {
        const drawn = (text as SVGTextElement).getBBox()
        const inside =
          drawn.x >= box.x - 0.5 &&
          drawn.x + drawn.width <= box.x + box.width + 0.5 &&
          drawn.y >= box.y - 0.5 &&
          drawn.y + drawn.height <= box.y + box.height + 0.5
        return inside ? [] : [`${text.textContent} at ${drawn.x}..${drawn.x + drawn.width}`]
      })
    }),
  )
  assert.deepEqual(outside, [])
  // The region chart draws the longest name whole, on two lines if need be.
  const regions = await page.locator('#stats-region ~ figure svg').textContent()
  assert.match(regions ?? '', /Ханты-Мансийский/)
  await page.context().close()
})
