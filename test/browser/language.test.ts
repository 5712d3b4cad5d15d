/** The language links in the header: they switch the page's language, and the choice is remembered. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Page } from 'playwright-core'
import { translator } from '../../src/platform/i18n.ts'
import { follow, heading, jsModes, newPage, pathOf, slow, visit } from '../support/browser.ts'
import { useServerAndBrowser } from '../support/server.ts'

const running = useServerAndBrowser()

const ru = translator('ru')
const uk = translator('uk')

async function language(page: Page): Promise<string | null> {
  return page.locator('html').getAttribute('lang')
}

for (const mode of jsModes) {
  test(`a language link switches the page and the next pages keep it (${mode.label})`, slow, async () => {
    const { server, browser } = running
    const page = await newPage(browser, mode)
    await visit(page, `${server.url}/`)
    assert.equal(await language(page), 'en', 'an English browser gets English first')
    assert.ok(await page.getByRole('link', { name: 'Staff sign-in' }).isVisible())

    await follow(page, page.getByRole('link', { name: 'Русский' }))
    assert.equal(pathOf(page), '/', 'switching stays on the same page')
    assert.equal(new URL(page.url()).search, '', 'the ?lang= parameter is dropped after switching')
    assert.equal(await language(page), 'ru')
    assert.equal(
      await page.getByRole('link', { name: 'Русский' }).count(),
      0,
      'the current language is not a link',
    )

    await follow(page, page.getByRole('link', { name: ru('home.staffSignIn') }))
    assert.equal(pathOf(page), '/login')
    assert.equal(await language(page), 'ru', 'the choice is remembered on the next page')
    assert.equal(await heading(page), ru('login.title'))
    assert.equal(await page.getByRole('button', { name: ru('login.submit') }).count(), 1)

    await follow(page, page.getByRole('link', { name: 'Українська' }))
    assert.equal(pathOf(page), '/login')
    assert.equal(await language(page), 'uk')
    assert.equal(await heading(page), uk('login.title'))

    await visit(page, `${server.url}/no-such-page`)
    assert.equal(await language(page), 'uk', 'even the error page keeps the choice')
    assert.equal(await heading(page), uk('errors.title'))

    await follow(page, page.getByRole('link', { name: 'English' }))
    assert.equal(await language(page), 'en')
    assert.equal(await heading(page), 'Something went wrong')
  })
}
