/**
 * An admin invites a lawyer; the lawyer, in their own browser, signs up through the one-time link,
 * must enrol TOTP, and then finds the admin pages answer 404 like pages that don't exist.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  enrolTotp,
  fillAccount,
  follow,
  heading,
  newPage,
  pathOf,
  person,
  signUp,
  slow,
  text,
  visit,
} from '../support/browser.ts'
import { describeInEachJsMode, setupLink } from '../support/server.ts'

describeInEachJsMode('invitation', (mode, running) => {
  const handle = mode.javaScriptEnabled ? 'on' : 'off'

  test(
    `an invited lawyer signs up, enrols TOTP and may not open admin pages (${mode.label})`,
    slow,
    async () => {
      const { server, browser } = running
      const admin = person('Ada Admin', `admin-js-${handle}`)
      const lawyer = person('Lev Lawyer', `lawyer-js-${handle}`)
      const adminPage = await newPage(browser, mode)
      await signUp(adminPage, await setupLink(server.store, server.url), admin, 'Create administrator')

      await follow(adminPage, adminPage.getByRole('link', { name: 'People' }))
      assert.equal(pathOf(adminPage), '/staff/users')
      await adminPage.getByRole('checkbox', { name: /^Lawyer/ }).check()
      const invited = await follow(
        adminPage,
        adminPage.getByRole('button', { name: 'Create invitation link' }),
      )
      assert.equal(invited.status(), 201)
      assert.equal(await heading(adminPage), 'Invitation link')
      const link = await text(adminPage.locator('.secret'))
      assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/signup\/[A-Za-z0-9_-]{43}$/)
      assert.ok(link.startsWith(`${server.url}/`), `the link uses the real address: ${link}`)

      // Another person, in another browser: no cookies shared with the admin.
      const lawyerPage = await newPage(browser, mode)
      await visit(lawyerPage, link)
      assert.equal(await heading(lawyerPage), 'Join Lifeline')
      await fillAccount(lawyerPage, lawyer, 'Create my account')
      assert.equal(pathOf(lawyerPage), '/account/totp', 'a lawyer reads sealed records, so must enrol TOTP')
      await visit(lawyerPage, `${server.url}/staff`)
      assert.equal(pathOf(lawyerPage), '/account/totp', 'the staff area waits until TOTP is enrolled')

      await enrolTotp(lawyerPage)
      assert.equal(await heading(lawyerPage), 'Your recovery codes')
      assert.equal(await lawyerPage.locator('.codes li').count(), 10)
      await follow(lawyerPage, lawyerPage.getByRole('link', { name: 'I have saved them' }))
      assert.equal(pathOf(lawyerPage), '/staff')
      assert.equal(await heading(lawyerPage), 'Hello, Lev Lawyer')
      assert.equal(await text(lawyerPage.locator('main .badge')), 'Lawyer')
      assert.equal(await lawyerPage.getByRole('link', { name: 'People' }).count(), 0)
      assert.equal(await lawyerPage.getByRole('link', { name: 'Audit log' }).count(), 0)

      for (const path of ['/staff/users', '/staff/audit']) {
        const response = await visit(lawyerPage, `${server.url}${path}`)
        assert.equal(response.status(), 404, `${path} answers 404 to a lawyer`)
        assert.equal(await heading(lawyerPage), 'Something went wrong')
        assert.equal(await lawyerPage.locator('h1').getAttribute('data-error-code'), 'ERR_NOT_FOUND')
      }

      const used = await visit(lawyerPage, link)
      assert.equal(used.status(), 410, 'the invitation works only once')

      await visit(adminPage, `${server.url}/staff/users`)
      const row = adminPage.getByRole('row').filter({ hasText: lawyer.email })
      assert.match(await text(row), /Lawyer/)
    },
  )
})
