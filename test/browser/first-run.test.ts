/**
 * First run in Chromium: the printed setup link, the admin's account, TOTP enrolment, recovery codes;
 * then signing out and back in with password and code. Once without JavaScript, once with it.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Page } from 'playwright-core'
import {
  type Enrolled,
  enrolTotp,
  fillAccount,
  follow,
  heading,
  newPage,
  pathOf,
  person,
  signIn,
  slow,
  text,
  visit,
} from '../support/browser.ts'
import { describeInEachJsMode, setupLink } from '../support/server.ts'

describeInEachJsMode('first run', (mode, running) => {
  const admin = person('Ada Admin', `admin-js-${mode.javaScriptEnabled ? 'on' : 'off'}`)
  let page: Page
  let enrolled: Enrolled

  test('the setup link creates the admin, who enrols TOTP and gets ten recovery codes', slow, async () => {
    const { server, browser } = running
    page = await newPage(browser, mode)
    const form = await visit(page, await setupLink(server.store, server.url))
    assert.equal(form.status(), 200)
    assert.equal(await heading(page), 'Create the administrator')

    await fillAccount(page, admin, 'Create administrator')
    assert.equal(pathOf(page), '/account/totp')
    assert.equal(await heading(page), 'Set up your authenticator app')
    assert.match(await text(page.locator('.secret')), /^[A-Z2-7]{4}( [A-Z2-7]{4}){7}$/)
    assert.equal(await page.locator('.qr svg').count(), 1, 'the QR code is an inline SVG')

    enrolled = await enrolTotp(page)
    assert.equal(enrolled.response.status(), 200)
    assert.equal(await heading(page), 'Your recovery codes')
    const codes = await page.locator('.codes li').allTextContents()
    assert.equal(codes.length, 10)
    for (const code of codes) assert.match(code, /^[a-z2-9]{5}(?:-[a-z2-9]{5}){3}$/)
    assert.equal(new Set(codes).size, 10)

    await follow(page, page.getByRole('link', { name: 'I have saved them' }))
    assert.equal(pathOf(page), '/staff')
    assert.equal(await heading(page), 'Hello, Ada Admin')
    assert.ok(await page.getByRole('link', { name: 'People' }).isVisible())
  })

  test('signing out and in again asks for the password, then a fresh TOTP code', slow, async () => {
    await follow(page, page.getByRole('button', { name: 'Sign out' }))
    assert.equal(pathOf(page), '/login')
    assert.equal(await heading(page), 'Staff sign-in')
    const bounced = await visit(page, `${running.server.url}/staff`)
    assert.equal(bounced.status(), 200)
    assert.equal(pathOf(page), '/login', 'signed out, /staff sends to the sign-in page')

    await signIn(page, admin, enrolled.secret, enrolled.step)
    assert.equal(pathOf(page), '/staff')
    assert.equal(await heading(page), 'Hello, Ada Admin')
  })
})
