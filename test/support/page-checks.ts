/**
 * Opening the page list's pages (test/support/pages.ts) in Chromium as their audience would, and what
 * the gallery and the page checks look at on each: the page as a reader without JavaScript gets it, the
 * page as Tor Browser at "Safest" draws it, words a reader should never see, a page wider than the screen.
 */
import assert from 'node:assert/strict'
import type { Browser, Page, Response, Route } from 'playwright-core'
import { catalogues } from '../../src/platform/i18n.ts'
import { roles } from '../../src/platform/policy.ts'
import { newPage, pathOf, signIn, visit } from './browser.ts'
import type { TestStore } from './db.ts'
import type { Audience, PageEntry } from './pages.ts'
import type { Sample } from './sample-data.ts'

/** How a page is opened: JavaScript on or off, and past the CSP (for axe) or not. */
export type PageOptions = { javaScriptEnabled: boolean; bypassCSP?: boolean }

/** A page for `audience`, reading `lang`: a new visitor, or the sample's member of that role, signed in. */
export async function pageFor(
  browser: Browser,
  baseUrl: string,
  sample: Sample,
  audience: Audience,
  options: PageOptions & { lang: string },
): Promise<Page> {
  const page = await newPage(browser, options)
  if (audience !== 'public') {
    const member = sample.staff[audience]
    await visit(page, `${baseUrl}/login`)
    member.lastStep = await signIn(page, member, member.totpSecret!, member.lastStep)
    assert.equal(pathOf(page), '/staff', `${audience} did not reach the staff area`)
  }
  // `?lang=` on any page remembers the language for the next ones.
  await visit(page, `${baseUrl}/?lang=${options.lang}`)
  return page
}

// Rewrites every HTML document the page loads with `change`; other requests go to `other`.
async function rewriteDocuments(
  page: Page,
  change: (html: string) => string,
  other: (route: Route) => Promise<void> = (route) => route.continue(),
): Promise<void> {
  await page.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return other(route)
    // Redirects reach the browser as they are, so it follows them (and keeps their cookies) itself.
    const response = await route.fetch({ maxRedirects: 0 })
    const type = response.headers()['content-type'] ?? ''
    if (!type.startsWith('text/html')) return route.fulfill({ response })
    return route.fulfill({ response, body: change(await response.text()) })
  })
}

/**
 * Makes the page what a reader with JavaScript off gets, while JavaScript stays on for axe: every
 * `<script>` removed, and `<noscript>`'s content shown as such a browser shows it.
 */
export function withoutScripts(page: Page): Promise<void> {
  return rewriteDocuments(page, (html) =>
    html.replace(/<script\b[\s\S]*?<\/script>/gi, '').replace(/<\/?noscript\b[^>]*>/gi, ''),
  )
}

/**
 * Tor Browser at its "Safest" level, beside JavaScript off: no SVG (inline `<svg>` removed, SVG files
 * refused) and no web fonts.
 */
export function asSafest(page: Page): Promise<void> {
  return rewriteDocuments(
    page,
    (html) => html.replace(/<svg\b[\s\S]*?<\/svg>/gi, ''),
    (route) => {
      const request = route.request()
      const svg = new URL(request.url()).pathname.endsWith('.svg')
      return request.resourceType() === 'font' || svg ? route.abort() : route.continue()
    },
  )
}

/** Whether the page draws anything Tor Browser at "Safest" may refuse: SVG, images, embedded objects. */
export function hasPictures(page: Page): Promise<boolean> {
  return page.evaluate(() => document.querySelector('svg, img, picture, object, embed') !== null)
}

/** Opens an entry of the page list on `page` (sending its form, if it has one) and returns the answer. */
export async function openEntry(page: Page, baseUrl: string, entry: PageEntry): Promise<Response> {
  const opened = await page.goto(`${baseUrl}${entry.path}`)
  assert.ok(opened, `no response for ${entry.path}`)
  if (!entry.form) return opened
  const form = page.locator(`form[action^="${entry.form.action}"]`).first()
  for (const [name, value] of Object.entries(entry.form.fields))
    await form.locator(`[name="${name}"]`).fill(value)
  const main = page.mainFrame()
  const answered = page.waitForResponse(
    (response) =>
      response.frame() === main &&
      response.request().isNavigationRequest() &&
      (response.status() < 300 || response.status() >= 400),
    { timeout: 90_000 },
  )
  await form.locator('button:not([type]), button[type="submit"], input[type="submit"]').last().click()
  const response = await answered
  await page.waitForLoadState('load')
  return response
}

/** What a reader must never see: i18n keys, error codes, vocabulary codes, role and audit names. */
export type Forbidden = { keys: RegExp; codes: Set<string> }

/**
 * Built from the message catalogues (a dotted word under one of their top-level names is a key, shown
 * when a message is missing) and from the database: every vocabulary term's code, the roles, and the
 * audit log's action names.
 */
export async function forbiddenWords(store: TestStore): Promise<Forbidden> {
  const namespaces = new Set(Object.values(catalogues).flatMap((catalogue) => Object.keys(catalogue)))
  const keys = new RegExp(
    `(?<![\\w.@/-])(?:${[...namespaces].join('|')})(?:\\.[A-Za-z0-9_]+)+|\\bERR_[A-Z0-9_]+`,
    'g',
  )
  const terms = await store.db.selectFrom('vocab_terms').select('code').execute()
  const actions = await store.db.selectFrom('audit_log').select('action').distinct().execute()
  const codes = new Set([...terms.map((term) => term.code), ...roles, ...actions.map((row) => row.action)])
  return { keys, codes }
}

/** Every text a reader can see or hear on the page: its body, title, placeholders, labels, alt texts. */
export function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => {
    // biome-ignore lint/performance/useDomNodeTextContent: what is rendered, not what is hidden by CSS
    const parts = [document.title, document.body.innerText]
    for (const element of document.querySelectorAll('[placeholder], [aria-label], [alt], [title]'))
      for (const name of ['placeholder', 'aria-label', 'alt', 'title'])
        if (element.hasAttribute(name)) parts.push(element.getAttribute(name)!)
    for (const option of document.querySelectorAll('option')) parts.push(option.text)
    for (const input of document.querySelectorAll<HTMLInputElement>(
      'input[type="submit"], input[type="button"]',
    ))
      parts.push(input.value)
    return parts.join('\n')
  })
}

/** The i18n keys and codes in `text`, each once; `keysOnly` for a page that shows codes on purpose. */
export function forbiddenIn(text: string, forbidden: Forbidden, keysOnly = false): string[] {
  const found = new Set(text.match(forbidden.keys) ?? [])
  // An escape a template printed as it is (`\n` inside html`…`), or a value never filled in.
  for (const leak of text.match(/\\[nt]|\{\{\w+\}\}|\bundefined\b|\bNaN\b|\[object Object\]/g) ?? [])
    found.add(leak)
  if (keysOnly) return [...found]
  // A code counts as a whole token: not inside a longer word, e-mail address or URL.
  for (const token of text.split(/[^\w.:@/-]+/))
    for (const candidate of [token, token.replace(/[.:]+$/, '')])
      if (forbidden.codes.has(candidate)) found.add(candidate)
  return [...found]
}

/** How much wider than the window the page is, in CSS pixels (0 when it fits). */
export function overflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth))
}
