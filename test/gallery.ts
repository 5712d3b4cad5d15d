/**
 * `npm run gallery`: every page of Lifeline, public and staff, as PNG files, so anyone can look at the
 * whole product in a few minutes. Starts the app for real (embedded database in a temporary folder, a
 * server on 127.0.0.1), fills it with the sample data (test/support/sample-data.ts), then opens each
 * page of the page list (test/support/pages.ts) in Chromium with JavaScript off, in Russian, 1280 and
 * 360 pixels wide, and saves it whole. Pages that draw pictures (charts, maps, icons) are shot again as
 * Tor Browser at "Safest" shows them: no SVG, no web fonts (files marked `-safest`).
 *
 *   npm run gallery -- [--only PATTERN] [--width 1280 --width 360] [--lang ru|uk|en] [--out ./gallery]
 *
 * `--only` keeps the pages whose name matches the regular expression PATTERN.
 */
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { Page } from 'playwright-core'
import { isLocale } from '../src/platform/i18n.ts'
import { launchChromium } from './support/browser.ts'
import { asSafest, hasPictures, openEntry, pageFor } from './support/page-checks.ts'
import { type Audience, pageList } from './support/pages.ts'
import { fillSample } from './support/sample-data.ts'
import { startTestServer } from './support/server.ts'

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    width: { type: 'string', multiple: true },
    lang: { type: 'string', default: 'ru' },
    out: { type: 'string', default: 'gallery' },
    events: { type: 'string', default: '300' },
  },
})
const widths = (values.width ?? ['1280', '360']).flatMap((value) => value.split(',')).map(Number)
if (widths.some((width) => !Number.isInteger(width) || width < 200 || width > 4000)) {
  console.error('--width takes whole numbers of pixels, from 200 to 4000.')
  process.exit(2)
}
if (!isLocale(values.lang)) {
  console.error('--lang takes ru, uk or en.')
  process.exit(2)
}
const lang = values.lang
const out = resolve(values.out)
const only = values.only ? new RegExp(values.only) : undefined

// Accounts are made and signed into at the cost tests use: the pages are the same, the start faster.
process.env.LIFELINE_PASSWORD_COST ??= 'interactive'
const started = Date.now()
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`

console.log('Starting Lifeline on an empty embedded database…')
const server = await startTestServer()
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined
try {
  console.log(`${elapsed()}: ${server.url} is up; adding the sample data…`)
  const sample = await fillSample(server, { events: Number(values.events) })
  const pages = pageList(sample).filter((entry) => !only || only.test(entry.name))
  if (!pages.length) throw new Error(`No page's name matches ${values.only}`)
  browser = await launchChromium()
  console.log(
    `${elapsed()}: sample data in; drawing ${pages.length} pages at ${widths.join(' and ')} px into ${out}`,
  )
  mkdirSync(out, { recursive: true })

  // One reader per audience, signed in once; pages that send a form get a reader of their own.
  const readers = new Map<Audience, Page>()
  const readerFor = async (audience: Audience): Promise<Page> => {
    const known = readers.get(audience)
    if (known) return known
    const page = await pageFor(browser!, server.url, sample, audience, { javaScriptEnabled: false, lang })
    readers.set(audience, page)
    return page
  }
  const fresh = () => pageFor(browser!, server.url, sample, 'public', { javaScriptEnabled: false, lang })

  let files = 0
  const problems: string[] = []
  // Each page is opened once and drawn at every width; the window's size changes, the page is the same.
  const draw = async (page: Page, name: string, progress: string): Promise<void> => {
    for (const width of widths) {
      await page.setViewportSize({ width, height: 900 })
      await page.screenshot({ path: `${out}/${name}-${width}.png`, fullPage: true })
      files += 1
    }
    console.log(`${elapsed()} ${progress} ${name}`)
  }
  for (const [index, entry] of pages.entries()) {
    const progress = `[${index + 1}/${pages.length}]`
    const page = entry.alone ? await fresh() : await readerFor(entry.audience)
    const response = await openEntry(page, server.url, entry)
    const expected = entry.status ?? 200
    if (response.status() !== expected) problems.push(`${entry.name}: ${response.status()}, not ${expected}`)
    await draw(page, entry.name, progress)
    // The same reader again, as Tor Browser at "Safest" (a member signs in once: a code is good once).
    if (await hasPictures(page)) {
      await asSafest(page)
      await openEntry(page, server.url, entry)
      await draw(page, `${entry.name}-safest`, progress)
      await page.unrouteAll()
    }
    if (entry.alone) await page.context().close()
  }
  console.log(`\n${files} pictures of ${pages.length} pages in ${out} (${elapsed()}).`)
  if (problems.length) console.log(`Pages that answered an unexpected status:\n  ${problems.join('\n  ')}`)
} finally {
  await browser?.close()
  await server.close()
}
