/**
 * axe-core on every kind of page, walked through as people use them: no serious or critical
 * violation. axe is injected as a script, so this runs with JavaScript on and the page's CSP bypassed.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Page } from 'playwright-core'
import {
  enrolTotp,
  fillAccount,
  follow,
  newPage,
  pathOf,
  person,
  seriousViolations,
  signIn,
  slow,
  text,
  visit,
} from '../support/browser.ts'
import { setupLink, useServerAndBrowser } from '../support/server.ts'

const running = useServerAndBrowser()

test('every page passes axe without serious or critical violations', slow, async () => {
  const { server, browser } = running
  const problems: string[] = []
  const check = async (page: Page, label: string) => problems.push(...(await seriousViolations(page, label)))
  const options = { javaScriptEnabled: true, bypassCSP: true }
  const admin = person('Ada Admin', 'admin')
  const page = await newPage(browser, options)

  await visit(page, `${server.url}/`)
  await check(page, 'home')
  await visit(page, `${server.url}/login`)
  await check(page, 'sign-in')
  await follow(page, page.getByRole('button', { name: 'Sign in' }))
  await check(page, 'sign-in with errors')
  await visit(page, `${server.url}/no-such-page`)
  await check(page, 'not found')

  await visit(page, await setupLink(server.store, server.url))
  await check(page, 'setup form')
  await follow(page, page.getByRole('button', { name: 'Create administrator' }))
  await check(page, 'setup form with errors')
  await fillAccount(page, admin, 'Create administrator')
  await check(page, 'TOTP enrolment')
  await page.locator('#field-code').fill('000000x')
  await follow(page, page.getByRole('button', { name: 'Turn on' }))
  await check(page, 'TOTP enrolment with an error')
  const { secret, step } = await enrolTotp(page)
  await check(page, 'recovery codes')
  await follow(page, page.getByRole('link', { name: 'I have saved them' }))
  await check(page, 'staff dashboard')

  await visit(page, `${server.url}/staff/users`)
  await check(page, 'people')
  await follow(page, page.getByRole('button', { name: 'Create invitation link' }))
  await check(page, 'people with an invitation error')
  await page.getByRole('checkbox', { name: /^Lawyer/ }).check()
  await follow(page, page.getByRole('button', { name: 'Create invitation link' }))
  await check(page, 'invitation link')
  const link = await text(page.locator('.secret'))
  await visit(page, `${server.url}/staff/audit`)
  await check(page, 'audit log')
  await visit(page, `${server.url}/account`)
  await check(page, 'my account')
  await visit(page, `${server.url}/staff/nothing-here`)
  await check(page, 'not found, signed in')

  await follow(page, page.getByRole('button', { name: 'Sign out' }))
  await page.locator('#field-email').fill(admin.email)
  await page.locator('#field-password').fill(admin.password)
  await follow(page, page.getByRole('button', { name: 'Sign in' }))
  assert.equal(pathOf(page), '/login/totp')
  await check(page, 'second factor')
  await visit(page, `${server.url}/login`)
  await signIn(page, admin, secret, step)
  assert.equal(pathOf(page), '/staff')

  const newcomer = await newPage(browser, options)
  await visit(newcomer, link)
  await check(newcomer, 'sign-up')

  assert.equal(problems.length, 0, `axe found problems:\n${problems.join('\n')}`)
})
