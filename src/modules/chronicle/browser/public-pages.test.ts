/**
 * The public chronicle in Chromium: read, filter, search and open permalinks with JavaScript off
 * (Tor Browser at its safest) and on; every page kind passes axe without serious violations.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Browser } from 'playwright-core'
import {
  follow,
  jsModes,
  newPage,
  pathOf,
  seriousViolations,
  slow,
  visit,
} from '../../../../test/support/browser.ts'
import { type TestServer, useServerAndBrowser } from '../../../../test/support/server.ts'
import { ensureTerms, insertAct, insertCase, insertEvents, insertPerson } from '../testing/events.ts'

let server: TestServer
let browser: Browser
let eventId = 0
let personId = 0
let caseId = 0

// node:test doesn't wait for one root-level `before` before the next: each test seeds (once) itself.
useServerAndBrowser((started) => {
  ;({ server, browser } = started)
})

async function seed() {
  if (eventId) return
  const db = server.store.db
  const terms = await ensureTerms(db)
  ;[eventId] = (await insertEvents(db, [
    {
      title: { ru: 'В Туле задержали участников пикета', en: 'Picketers detained in Tula' },
      summary: { en: 'Police detained three people at a picket against the war.' },
      type_id: terms.event_type.detention,
      region_id: terms.region['RU-TUL'],
      locality: 'Тула',
      start_date: '2024-02-10',
      start_precision: 'day',
      detained: 3,
    },
  ])) as [number]
  personId = await insertPerson(db, { visibility: 'anonymous', locality: 'Тула', birth_year: 1996 })
  caseId = await insertCase(db, { kind: 'administrative', articleIds: [terms.article['koap-20.3.3']!] })
  await insertAct(db, {
    event_id: eventId,
    act_type_id: terms.act_type.detention!,
    person_id: personId,
    case_id: caseId,
  })
}

for (const mode of jsModes) {
  test(`reads, filters and searches the chronicle (${mode.label})`, slow, async () => {
    await seed()
    const page = await newPage(browser, { javaScriptEnabled: mode.javaScriptEnabled })
    await visit(page, `${server.url}/chronicle`)
    // With no filter set the panel and its long groups are folded: a reader opens them (no script needed).
    assert.equal(await page.getByRole('checkbox', { name: /^Detention/ }).isVisible(), false)
    // On a wide screen the panel stands open beside the results; on a narrow one it is opened first.
    const group = page.locator('details.facet > summary', { hasText: 'Type of event' })
    if (!(await group.isVisible())) await page.locator('.filter-panel > summary').click()
    await group.click()
    await page.getByRole('checkbox', { name: /^Detention/ }).check()
    await page.locator('#field-q').fill('detained')
    await follow(page, page.getByRole('button', { name: 'Show events' }))
    assert.equal(pathOf(page), '/chronicle')
    assert.equal(await page.locator('mark').first().textContent(), 'detained')
    // A filter is set: the panel and the group holding the ticked box come back open.
    assert.equal(await page.getByRole('checkbox', { name: /^Detention/ }).isChecked(), true)
    assert.equal(await page.getByRole('checkbox', { name: /^Detention/ }).isVisible(), true)
    await follow(page, page.getByRole('link', { name: 'Picketers detained in Tula' }))
    assert.equal(pathOf(page), `/chronicle/events/${eventId}`)
    await follow(page, page.getByRole('link', { name: /A resident of Тула, 28/ }))
    assert.equal(pathOf(page), `/chronicle/persons/${personId}`)
    await page.context().close()
  })
}

test('public chronicle pages pass axe', slow, async () => {
  await seed()
  const page = await newPage(browser, { javaScriptEnabled: true, bypassCSP: true })
  const problems: string[] = []
  for (const [label, path] of [
    ['list', '/chronicle'],
    ['search', '/chronicle?q=detained&type=detention'],
    ['list with errors', '/chronicle?from=nope&q=%FF'],
    ['empty list', '/chronicle?region=RU-KC'],
    ['event', `/chronicle/events/${eventId}`],
    ['person', `/chronicle/persons/${personId}`],
    ['case', `/chronicle/cases/${caseId}`],
  ] as const) {
    await visit(page, `${server.url}${path}`)
    problems.push(...(await seriousViolations(page, label)))
  }
  assert.deepEqual(problems, [])
  await page.context().close()
})
