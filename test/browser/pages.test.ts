/**
 * Every page of the page list (test/support/pages.ts), on one server with the sample data, checked as a
 * person would meet it, with JavaScript off and on, 320 pixels wide: axe finds no serious problem
 * (duplicate ids included), no i18n key or code shows instead of words, and the page is no wider than
 * the screen (a wide table scrolls inside its own box). "JavaScript off" is the page with its scripts
 * removed, as such a reader gets it, while JavaScript stays on for axe.
 */
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { checkPage, seriousViolations } from '../support/browser.ts'
import {
  type Forbidden,
  forbiddenIn,
  forbiddenWords,
  openEntry,
  overflow,
  pageFor,
  visibleText,
  withoutScripts,
} from '../support/page-checks.ts'
import { type Audience, type PageEntry, pageList } from '../support/pages.ts'
import { fillSample, type Sample } from '../support/sample-data.ts'
import { useServerAndBrowser } from '../support/server.ts'

const checks = ['status', 'axe', 'words', 'width'] as const
type Check = (typeof checks)[number]

const modes = [
  { label: 'JavaScript off', scripts: false },
  { label: 'JavaScript on', scripts: true },
] as const

const running = useServerAndBrowser()

describe('every page', () => {
  let sample: Sample
  let pages: PageEntry[]
  let forbidden: Forbidden
  // One signed-in reader per audience, with a second tab that gets pages without their scripts.
  const readers = new Map<Audience, { on: Page; off: Page }>()
  const found = new Map<Check, Map<string, string>>(checks.map((check) => [check, new Map()]))

  before(async () => {
    // A smaller chronicle than the gallery's: its first pages look the same, and axe reads them faster.
    sample = await fillSample(running.server, { events: 80 })
    pages = pageList(sample)
    forbidden = await forbiddenWords(running.server.store)
  })

  async function tab(audience: Audience, scripts: boolean, alone: boolean): Promise<Page> {
    const options = { javaScriptEnabled: true, bypassCSP: true, lang: 'ru' }
    const { browser, server } = running
    let reader = alone ? undefined : readers.get(audience)
    if (!reader) {
      const on = await pageFor(browser, server.url, sample, audience, options)
      const off = await on.context().newPage()
      await withoutScripts(off)
      reader = { on, off }
      if (!alone) readers.set(audience, reader)
    }
    const page = scripts ? reader.on : reader.off
    await page.setViewportSize({ width: 320, height: 640 })
    return page
  }

  async function look(entry: PageEntry, mode: (typeof modes)[number]): Promise<void> {
    const where = `${entry.name} (${mode.label})`
    const note = (check: Check, problem: string) => {
      const list = found.get(check)!
      list.set(entry.name, [list.get(entry.name), `${mode.label}: ${problem}`].filter(Boolean).join('\n'))
    }
    const page = await tab(entry.audience, mode.scripts, entry.alone ?? false)
    const response = await openEntry(page, running.server.url, entry)
    await checkPage(page, response)
    const expected = entry.status ?? 200
    if (response.status() !== expected) note('status', `${response.status()}, not ${expected}`)
    const violations = await seriousViolations(page, where)
    if (violations.length) note('axe', violations.join('\n'))
    const words = forbiddenIn(await visibleText(page), forbidden, entry.showsCodes !== undefined)
    if (words.length) note('words', words.join(', '))
    const wider = await overflow(page)
    if (wider) note('width', `${wider} px wider than a 320 px screen`)
    if (entry.alone) await page.context().close()
  }

  for (const mode of modes)
    test(`opens every page, ${mode.label}`, { timeout: 900_000 }, async () => {
      for (const entry of pages) await look(entry, mode)
    })

  const titles: Record<Check, string> = {
    status: 'every page answers with its status',
    axe: 'axe finds no serious or critical problem, duplicate ids included',
    words: 'no i18n key, error code, vocabulary code, role or audit name is visible',
    width: 'no page scrolls sideways on a 320 px screen',
  }
  for (const check of checks)
    test(titles[check], () => {
      const failures = [...found.get(check)!].map(([name, problem]) => `${name}:\n${problem}`)
      assert.deepEqual(failures, [])
    })
})
