import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { type App, buildApp } from '../../src/app.ts'
import { loadEnv } from '../../src/env.ts'
import { launchChromium } from '../support/browser.ts'
import { type TestStore, testStore } from '../support/db.ts'
import { createStaff, totpCode } from '../support/factories.ts'

// WebAuthn refuses IP addresses as relying parties, so this server is reached as localhost.
let store: TestStore
let app: App
let base: string
let browser: Browser

before(async () => {
  store = await testStore()
  const env = loadEnv({ LIFELINE_DATA_DIR: store.dataDir, LIFELINE_PUBLIC_URL: 'http://localhost:1' })
  app = await buildApp({ store, env, logger: false })
  await app.listen({ host: '127.0.0.1', port: 0 })
  base = `http://localhost:${(app.server.address() as AddressInfo).port}`
  Object.assign(env, loadEnv({ LIFELINE_DATA_DIR: store.dataDir, LIFELINE_PUBLIC_URL: base }))
  browser = await launchChromium()
})
after(async () => {
  await browser?.close()
  await app?.close()
  await store?.close()
})

describe('passkeys', () => {
  it('are added on the account page and then sign in instead of the TOTP code', async () => {
    const staff = await createStaff(store.db, { roles: ['lawyer'] })
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    })

    const signInWithPassword = async () => {
      await page.goto(`${base}/login`)
      await page.fill('#field-email', staff.email)
      await page.fill('#field-password', staff.password)
      await page.click('button[type=submit]')
      await page.waitForURL(/\/login\/totp/)
    }
    await signInWithPassword()
    await page.fill('#field-code', totpCode(staff.totpSecret!))
    await page.click('form[action="/login/totp"] button[type=submit]')
    await page.waitForURL(/\/staff$/)

    await page.goto(`${base}/account`)
    await page.fill('#field-passkeyName', 'test laptop')
    await page.click('[data-passkey="register"]')
    await page.waitForURL(/\/account\?passkey=added/)
    assert.match((await page.textContent('main')) ?? '', /test laptop/)

    await page.click('header form[action="/logout"] button')
    await signInWithPassword()
    await page.click('[data-passkey="login"]')
    await page.waitForURL(/\/staff$/)

    const actions = await store.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('actor_id', '=', staff.id)
      .orderBy('id')
      .execute()
    assert.ok(actions.some((row) => row.action === 'factor.passkey_added'))
    assert.ok(
      actions.some(
        (row) => row.action === 'signin.success' && (row.detail as { factor?: string }).factor === 'passkey',
      ),
    )
    await context.close()
  })

  it('stay hidden with JavaScript off, where the TOTP form does the job', async () => {
    const staff = await createStaff(store.db, { roles: ['lawyer'] })
    await store.db
      .insertInto('passkeys')
      .values({ id: 'unused', user_id: staff.id, public_key: Buffer.from('x'), name: 'k' })
      .execute()
    const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled: false })
    const page = await context.newPage()
    await page.goto(`${base}/login`)
    await page.fill('#field-email', staff.email)
    await page.fill('#field-password', staff.password)
    await page.click('button[type=submit]')
    await page.waitForURL(/\/login\/totp/)
    assert.equal(await page.isVisible('[data-passkey="login"]'), false)
    await page.fill('#field-code', totpCode(staff.totpSecret!))
    await page.click('form[action="/login/totp"] button[type=submit]')
    await page.waitForURL(/\/staff$/)
    await context.close()
  })
})
