import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { agent } from '../../test/support/agent.ts'
import { type TestApp, testApp } from '../../test/support/app.ts'
import { createStaff, signIn } from '../../test/support/factories.ts'
import { buildApp } from '../app.ts'
import { loadEnv } from '../env.ts'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(() => t.close())

const editor = () => createStaff(t.store.db, { roles: ['editor'], totp: false })

describe('CSRF tokens', () => {
  it('are bound to the session: a token made in another session fails', async () => {
    const first = await signIn(t.app, await editor())
    const second = await signIn(t.app, await editor())
    // The same browser cookie in both, so only the session differs.
    second.cookies.set('lifeline_csrf', first.cookies.get('lifeline_csrf')!)
    assert.equal((await second.post('/logout', {}, { csrf: first.csrf })).statusCode, 403)
    await second.get('/account')
    assert.notEqual(second.csrf, first.csrf)
    assert.equal((await second.post('/logout')).statusCode, 303, 'its own session’s token passes')
  })

  it('made before signing in fail once signed in', async () => {
    const member = await editor()
    const visitor = agent(t.app)
    await visitor.get('/login')
    const before = visitor.csrf
    const login = await visitor.post('/login', { email: member.email, password: member.password })
    assert.equal(login.statusCode, 303, 'the sign-in form’s token passes before there is a session')
    assert.equal((await visitor.post('/logout', {}, { csrf: before })).statusCode, 403)
  })

  it('need the server secret: one computed from the cookie alone fails', async () => {
    const visitor = agent(t.app)
    await visitor.get('/login')
    const cookie = visitor.cookies.get('lifeline_csrf')!
    const old = createHmac('sha256', cookie).update('lifeline-csrf').digest('base64url')
    const form = { email: 'someone@example.org', password: 'whatever' }
    assert.equal((await visitor.post('/login', form, { csrf: old })).statusCode, 403)
    assert.equal((await visitor.post('/login', form)).statusCode, 401, 'the page’s own token passes')
  })

  it('of a session that has ended still let its browser sign in again', async () => {
    const lawyer = await createStaff(t.store.db, { roles: ['lawyer'] })
    const visitor = agent(t.app)
    await visitor.get('/login')
    await visitor.post('/login', { email: lawyer.email, password: lawyer.password })
    await visitor.get('/login') // rendered in the half-signed-in session
    await t.store.db.deleteFrom('sessions').where('user_id', '=', lawyer.id).execute()
    const again = await visitor.post('/login', { email: lawyer.email, password: lawyer.password })
    assert.equal(again.statusCode, 303)
  })
})

describe('over https', () => {
  it('names the cookies __Host-, Secure, path / and no domain, and works end to end', async () => {
    const env = loadEnv({ LIFELINE_DATA_DIR: t.store.dataDir, LIFELINE_PUBLIC_URL: 'https://localhost:8443' })
    const app = await buildApp({ store: t.store, env, logger: false })
    try {
      const page = await app.inject('/login')
      assert.match(
        String(page.headers['set-cookie']),
        /^__Host-lifeline_csrf=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
      )
      const member = await editor()
      const browser = agent(app)
      await browser.get('/login')
      // A cookie without the prefix, as a sibling host could plant, is not the CSRF cookie.
      const planted = agent(app)
      planted.cookies.set('lifeline_csrf', browser.cookies.get('__Host-lifeline_csrf')!)
      const form = { email: member.email, password: member.password }
      assert.equal((await planted.post('/login', form, { csrf: browser.csrf })).statusCode, 403)

      const login = await browser.post('/login', form)
      assert.equal(login.statusCode, 303)
      const cookies = String(login.headers['set-cookie'])
      assert.match(cookies, /__Host-lifeline_session=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Strict/)
      assert.match(
        cookies,
        /__Host-lifeline_device=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Strict/,
      )
      assert.doesNotMatch(cookies, /Domain=/i)
      assert.equal((await browser.get('/account')).statusCode, 200)
      const signedOut = await browser.post('/logout')
      assert.equal(signedOut.statusCode, 303)
      assert.match(String(signedOut.headers['set-cookie']), /__Host-lifeline_session=;.*Path=\/.*Secure/)
      assert.equal((await browser.get('/account')).statusCode, 303, 'signed out')
    } finally {
      await app.close()
    }
  })
})
