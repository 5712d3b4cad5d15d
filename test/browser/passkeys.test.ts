import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createStaff, totpCode } from '../support/factories.ts'
import { useServerAndBrowser } from '../support/server.ts'

// WebAuthn refuses IP addresses as relying parties, so this server is reached as localhost.
const running = useServerAndBrowser(undefined, { host: 'localhost' })

describe('passkeys', () => {
  it('are added on the account page and then sign in instead of the TOTP code', async () => {
    const { server, browser } = running
    const { store, url: base } = server
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
    // Without the current code (a stolen session's lot) no passkey is made.
    await page.fill('#field-passkeyCode', '000000')
    await page.click('[data-passkey="register"]')
    await page.waitForSelector('#passkey-status:has-text("wrong or was already used")')
    const added = store.db.selectFrom('passkeys').select('id').where('user_id', '=', staff.id)
    assert.equal((await added.execute()).length, 0)
    // The code signing in used is spent: the next one proves it is the member.
    await page.fill('#field-passkeyCode', totpCode(staff.totpSecret!, 1))
    await page.click('[data-passkey="register"]')
    await page.waitForURL(/\/account\?passkey=added/)
    assert.match((await page.textContent('main')) ?? '', /test laptop/)

    await page.click('header form[action="/logout"] button')
    await signInWithPassword()
    await page.click('[data-passkey="login"]')
    // The wrong code typed before adding the passkey is told as a failed attempt on the account.
    await page.waitForURL(/\/login\/notice\?next=%2Fstaff$/)
    assert.match((await page.textContent('main')) ?? '', /1 attempt to sign in to your account failed/)

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
    const { server, browser } = running
    const { store, url: base } = server
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
