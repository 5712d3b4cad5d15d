/**
 * Driving Debian's Chromium with playwright-core: pages with JavaScript off and on, the checks every
 * visited page gets (nothing from other hosts, a strict CSP), axe, and the steps of signing in.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type axe from 'axe-core'
import { Secret, TOTP } from 'otpauth'
import { type Browser, chromium, type Locator, type Page, type Response } from 'playwright-core'
import { currentTotp } from '../../src/platform/auth/totp.ts'
import { createStaff } from './factories.ts'
import type { Running } from './server.ts'

/** Starts headless Chromium; close it in an `after()` hook. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** Options for a browser test: a generous limit, as Chromium on a busy CI machine can be slow. */
export const slow = { timeout: 180_000 }

/** Every scenario runs in both: a plain-HTML visitor (Tor Browser at its safest) and a usual one. */
export const jsModes = [
  { label: 'JavaScript off', javaScriptEnabled: false },
  { label: 'JavaScript on', javaScriptEnabled: true },
] as const

/** One of `jsModes`. */
export type JsMode = (typeof jsModes)[number]

// Requests a page made to other hosts, checked with the page itself.
const loopback = new Set(['127.0.0.1', 'localhost', '[::1]'])
const foreignRequests = new WeakMap<Page, string[]>()

/** A page in a new context, i.e. a new person with no cookies, reading English. */
export async function newPage(
  browser: Browser,
  options: { javaScriptEnabled: boolean; bypassCSP?: boolean },
): Promise<Page> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled,
    bypassCSP: options.bypassCSP ?? false,
    locale: 'en-US',
  })
  const page = await context.newPage()
  const foreign: string[] = []
  foreignRequests.set(page, foreign)
  // Test servers listen on loopback (test/support/server.ts); anything else is another host.
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (url.protocol !== 'data:' && !loopback.has(url.hostname)) foreign.push(request.url())
  })
  return page
}

/**
 * Checks the page just loaded: a CSP without unsafe-*, and nothing loaded from or sent to another host.
 * A link (`<a href>`) to another host is allowed, as an event cites its sources: it loads nothing until
 * followed, and the layout's no-referrer policy keeps the page's address from going along.
 */
export async function checkPage(page: Page, response: Response): Promise<void> {
  const where = `${response.request().method()} ${new URL(page.url()).pathname}`
  const csp = (await response.allHeaders())['content-security-policy']
  assert.ok(csp, `${where}: no Content-Security-Policy header`)
  assert.doesNotMatch(csp, /'unsafe-(inline|eval)'/, `${where}: the CSP allows unsafe code: ${csp}`)
  const references = await page.evaluate(() => {
    const names = ['src', 'href', 'action', 'formaction', 'srcset', 'poster', 'data', 'xlink:href', 'cite']
    const found: string[] = []
    for (const element of document.querySelectorAll('*')) {
      for (const name of names) {
        const value = element.getAttribute(name)
        if (value === null || (name === 'href' && element.localName === 'a')) continue
        const urls =
          name === 'srcset' ? value.split(',').map((part) => part.trim().split(/\s+/)[0]!) : [value]
        for (const url of urls) {
          const resolved = new URL(url, document.baseURI)
          if (resolved.origin !== location.origin && resolved.protocol !== 'data:')
            found.push(`<${element.localName} ${name}="${value}">`)
        }
      }
    }
    return found
  })
  assert.deepEqual(references, [], `${where} refers to other hosts`)
  assert.deepEqual(foreignRequests.get(page) ?? [], [], `${where}: requests went to other hosts`)
}

/** Opens a URL, checks the page, and returns its response (after redirects). */
export async function visit(page: Page, url: string): Promise<Response> {
  const response = await page.goto(url)
  assert.ok(response, `no response for ${url}`)
  await checkPage(page, response)
  return response
}

/** Clicks a link or submit button, waits for the next page to load, checks it and returns its response. */
export async function follow(page: Page, target: Locator): Promise<Response> {
  const main = page.mainFrame()
  const responded = page.waitForResponse(
    (response) =>
      response.frame() === main &&
      response.request().isNavigationRequest() &&
      (response.status() < 300 || response.status() >= 400),
  )
  const committed = page.waitForEvent('framenavigated', { predicate: (frame) => frame === main })
  await target.click()
  const [response] = await Promise.all([responded, committed])
  await page.waitForLoadState('load')
  await checkPage(page, response)
  return response
}

/** The page's path, without query. */
export function pathOf(page: Page): string {
  return new URL(page.url()).pathname
}

/** An element's text, trimmed ('' when it has none). */
export async function text(target: Locator): Promise<string> {
  return ((await target.textContent()) ?? '').trim()
}

/** The page's first heading. */
export function heading(page: Page): Promise<string> {
  return text(page.locator('h1').first())
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/**
 * Runs axe on the page and describes each serious or critical violation (none means []). Needs a
 * page with JavaScript on and `bypassCSP: true`, since axe is injected as an inline script.
 */
export async function seriousViolations(page: Page, label: string): Promise<string[]> {
  await page.addScriptTag({ content: axeSource })
  const results = await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }),
  )
  const found = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => {
      const nodes = violation.nodes.map(
        (node) => `    ${node.target.join(' ')}: ${node.failureSummary ?? ''}`,
      )
      return `${label} (${pathOf(page)}): ${violation.id} [${violation.impact}] ${violation.help}\n${nodes.join('\n')}`
    })
  const duplicates = await duplicateIds(page)
  if (duplicates.length)
    found.push(
      `${label} (${pathOf(page)}): duplicate-id [serious] Element ids must be unique (a label or link to one reaches the first)\n    ${duplicates
        .slice(0, 8)
        .map((id) => `#${id}`)
        .join(', ')}${duplicates.length > 8 ? ` and ${duplicates.length - 8} more` : ''}`,
    )
  return found
}

/**
 * The ids used by more than one element. axe 4.14 no longer checks this by default, yet a label's `for`
 * or a link's `#id` reaches only the first of them: a click on one form's label ticks another's box.
 */
export function duplicateIds(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const seen = new Set<string>()
    const twice = new Set<string>()
    for (const element of document.querySelectorAll('[id]')) {
      if (seen.has(element.id)) twice.add(element.id)
      seen.add(element.id)
    }
    return [...twice]
  })
}

/**
 * Collects axe's serious violations on the pages a scenario looks at. Only a page with JavaScript on
 * can run axe, injected past the CSP: `options` opens pages that way in the JavaScript-on mode, and in
 * the other `look` does nothing.
 */
export function axeReview(mode: JsMode) {
  const problems: string[] = []
  return {
    /** How to open the scenario's pages (see `newPage`). */
    options: { javaScriptEnabled: mode.javaScriptEnabled, bypassCSP: mode.javaScriptEnabled },
    /** Runs axe on the page as it is now. */
    async look(page: Page, label: string): Promise<void> {
      if (mode.javaScriptEnabled) problems.push(...(await seriousViolations(page, label)))
    },
    /** Fails with every violation found since the last call, and starts a new list. */
    assertNone(): void {
      const found = problems.splice(0)
      assert.equal(found.length, 0, `axe found problems:\n${found.join('\n')}`)
    },
  }
}

/** The button named exactly `name`. */
export function button(page: Page, name: string): Locator {
  return page.getByRole('button', { name, exact: true })
}

/** The link named exactly `name`. */
export function link(page: Page, name: string): Locator {
  return page.getByRole('link', { name, exact: true })
}

/** Someone filling in the setup or sign-up form. */
export type Person = { name: string; email: string; password: string }

/** A person with a unique e-mail made from `handle`. */
export function person(name: string, handle: string): Person {
  return { name, email: `${handle}@example.org`, password: `correct horse battery ${handle}` }
}

/** Fills the setup or sign-up form and sends it with the button named `submit`. */
export async function fillAccount(page: Page, who: Person, submit: string): Promise<Response> {
  await page.locator('#field-displayName').fill(who.name)
  await page.locator('#field-email').fill(who.email)
  await page.locator('#field-password').fill(who.password)
  await page.locator('#field-confirm').fill(who.password)
  return follow(page, page.getByRole('button', { name: submit }))
}

/** A TOTP time step (30 s) as a number. */
export function timeStep(at = Date.now()): number {
  return Math.floor(at / 30_000)
}

/**
 * A code for a time step after `lastStep`, and that step: the app refuses a step already used, so
 * signing in right after enrolling takes the next step's code (accepted as one step of clock drift).
 */
export function nextTotp(secret: string, lastStep: number): { code: string; step: number } {
  const step = Math.max(timeStep(), lastStep + 1)
  const code = new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6 }).generate({
    timestamp: step * 30_000,
  })
  return { code, step }
}

/** What enrolling left behind: the secret, the step its code used, and the page's response. */
export type Enrolled = { secret: string; step: number; response: Response }

/** On the enrolment page: reads the secret as a person would type it, and sends the current code. */
export async function enrolTotp(page: Page): Promise<Enrolled> {
  const secret = (await text(page.locator('.secret'))).replace(/\s+/g, '')
  const code = currentTotp(secret)
  // Read after generating: if a step boundary passed in between, this errs late, which stays safe.
  const step = timeStep()
  await page.locator('#field-code').fill(code)
  const response = await follow(page, page.getByRole('button', { name: 'Turn on' }))
  return { secret, step, response }
}

/** Signs up through a setup or invitation link, enrols TOTP and goes on to /staff. */
export async function signUp(page: Page, link: string, who: Person, submit: string): Promise<Enrolled> {
  await visit(page, link)
  await fillAccount(page, who, submit)
  assert.equal(pathOf(page), '/account/totp', `${who.email} was not sent to enrol TOTP`)
  const enrolled = await enrolTotp(page)
  await follow(page, page.getByRole('link', { name: 'I have saved them' }))
  assert.equal(pathOf(page), '/staff')
  return enrolled
}

/** Signs in from the sign-in page with e-mail, password and the next TOTP code; returns the step used. */
export async function signIn(
  page: Page,
  who: Pick<Person, 'email' | 'password'>,
  secret: string,
  lastStep: number,
): Promise<number> {
  await page.locator('#field-email').fill(who.email)
  await page.locator('#field-password').fill(who.password)
  await follow(page, page.getByRole('button', { name: 'Sign in' }))
  assert.equal(pathOf(page), '/login/totp', 'the password step did not ask for a code')
  const { code, step } = nextTotp(secret, lastStep)
  await page.locator('#field-code').fill(code)
  await follow(page, page.getByRole('button', { name: 'Continue' }))
  return step
}

/**
 * A new staff member with `roles` (and TOTP), signed in through the sign-in forms, password then code,
 * in a browser of their own (no cookies shared), on /staff.
 */
export async function staffPage(
  running: Running,
  roles: string[],
  options: { javaScriptEnabled: boolean; bypassCSP?: boolean },
): Promise<Page> {
  const { server, browser } = running
  const staff = await createStaff(server.store.db, { roles })
  const page = await newPage(browser, options)
  await visit(page, `${server.url}/login`)
  // createStaff records step 0 as used, so the current step's code is accepted.
  await signIn(page, staff, staff.totpSecret!, 0)
  assert.equal(pathOf(page), '/staff', `${staff.email} did not reach the staff area`)
  return page
}
