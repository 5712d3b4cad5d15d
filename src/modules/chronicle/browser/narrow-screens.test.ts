/**
 * The public chronicle on a phone-sized screen in Chromium: wide tables scroll sideways in a box that
 * the keyboard can reach (axe's scrollable-region-focusable), named by the table's caption.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Browser } from 'playwright-core'
import { newPage, seriousViolations, slow, visit } from '../../../../test/support/browser.ts'
import { type TestServer, useServerAndBrowser } from '../../../../test/support/server.ts'
import { ensureTerms, insertAct, insertCase, insertEvents, insertPerson } from '../testing/events.ts'

let server: TestServer
let browser: Browser

useServerAndBrowser((started) => {
  ;({ server, browser } = started)
})

/** An event with a person and a case with a stage; a Crimean one, which the map can't draw. */
async function seed(): Promise<{ eventId: number; personId: number; caseId: number }> {
  const db = server.store.db
  const terms = await ensureTerms(db)
  const [eventId, crimea] = (await insertEvents(db, [
    {
      title: { en: 'Picketers detained in Tula after a long standoff with the police' },
      type_id: terms.event_type.detention,
      region_id: terms.region['RU-TUL'],
      locality: 'Тула',
      start_date: '2024-02-10',
      start_precision: 'day',
      detained: 3,
    },
    {
      title: { en: 'A picket in Simferopol' },
      type_id: terms.event_type.picket,
      region_id: terms.region['UA-43'],
      start_date: '2024-03-01',
      start_precision: 'day',
      detained: 1,
    },
  ])) as [number, number]
  const personId = await insertPerson(db, { visibility: 'anonymous', locality: 'Тула', birth_year: 1996 })
  const caseId = await insertCase(db, {
    kind: 'administrative',
    court: 'Центральный районный суд города Тулы',
    articleIds: [terms.article['koap-20.3.3']!],
  })
  await db
    .insertInto('chronicle_case_stages')
    .values({ case_id: caseId, stage: 'Протокол о задержании составлен', on_date: '2024-02-10' })
    .execute()
  for (const event_id of [eventId, crimea])
    await insertAct(db, {
      event_id,
      act_type_id: terms.act_type.detention!,
      person_id: personId,
      case_id: caseId,
    })
  return { eventId, personId, caseId }
}

test(
  'wide tables on a narrow screen scroll in a box the keyboard reaches, named by the caption',
  slow,
  async () => {
    const { eventId, personId, caseId } = await seed()
    const page = await newPage(browser, { javaScriptEnabled: true, bypassCSP: true })
    await page.setViewportSize({ width: 320, height: 640 })
    const problems: string[] = []
    let wide: { path: string; caption: string } | undefined
    for (const [label, path] of [
      ['event', `/chronicle/events/${eventId}`],
      ['person', `/chronicle/persons/${personId}`],
      ['case', `/chronicle/cases/${caseId}`],
      ['statistics', '/chronicle/stats'],
    ] as const) {
      await visit(page, `${server.url}${path}`)
      problems.push(...(await seriousViolations(page, `${label} at 320px`)))
      const boxes = await page.locator('.table-wrap').evaluateAll((elements) =>
        elements.map((box) => ({
          focusable: box.getAttribute('tabindex') === '0',
          region: box.getAttribute('role') === 'region',
          named: document.getElementById(box.getAttribute('aria-labelledby') ?? '')?.textContent ?? '',
          caption: box.querySelector('caption')?.textContent ?? '',
          overflows: box.scrollWidth > box.clientWidth,
        })),
      )
      if (!boxes.length) problems.push(`${label}: no table is shown`)
      for (const box of boxes) {
        if (!box.focusable || !box.region)
          problems.push(`${label}: the box of "${box.caption}" takes no focus`)
        if (box.named !== box.caption)
          problems.push(`${label}: the box of "${box.caption}" is not named by it`)
        if (box.overflows) wide ??= { path, caption: box.caption }
      }
    }
    assert.deepEqual(problems, [])

    // Otherwise axe would have had nothing to check. The keyboard reaches the box; an arrow key scrolls it.
    assert.ok(wide, 'some table is wider than a 320px screen')
    await visit(page, `${server.url}${wide.path}`)
    const box = page.getByRole('region', { name: wide.caption, exact: true })
    await box.focus()
    assert.equal(await box.evaluate((element) => element === document.activeElement), true)
    await page.keyboard.press('ArrowRight')
    await page.waitForFunction(() => (document.activeElement?.scrollLeft ?? 0) > 0)
    await page.context().close()
  },
)
