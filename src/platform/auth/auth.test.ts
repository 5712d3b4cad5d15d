import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { agent } from '../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { createStaff, signIn, totpCode } from '../../../test/support/factories.ts'
import { buildApp } from '../../app.ts'
import { loadEnv } from '../../env.ts'
import { keyPairFromPrivate } from '../crypto/primitives.ts'
import { addDeskMember, createDesk, openRecord, regrantDesk, sealRecord } from '../crypto/sealed-records.ts'
import { createInvite } from './invites.ts'
import { currentTotp } from './totp.ts'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(() => t.close())

const actions = async () =>
  (await t.store.db.selectFrom('audit_log').select('action').orderBy('id').execute()).map((row) => row.action)

describe('first run', () => {
  it('creates the admin from the setup link, enrols TOTP and shows ten recovery codes', async () => {
    const { token } = await createInvite(t.store.db, { kind: 'setup', roles: ['admin'] })
    const admin = agent(t.app)
    assert.equal((await admin.get(`/setup/${token}`)).statusCode, 200)
    const created = await admin.post(`/setup/${token}`, {
      displayName: 'Ada',
      email: 'Ada@Example.org',
      password: 'a long enough passphrase',
      confirm: 'a long enough passphrase',
    })
    assert.equal(created.statusCode, 303)
    assert.equal(created.headers.location, '/account/totp')
    const cookie = created.headers['set-cookie']?.toString() ?? ''
    assert.match(cookie, /lifeline_session=[^;]+;.*HttpOnly/i)
    assert.match(cookie, /SameSite=Strict/i)

    assert.equal((await admin.get('/staff')).headers.location, '/account/totp', 'staff area waits for TOTP')
    const enrol = await admin.get('/account/totp')
    assert.equal(enrol.statusCode, 200)
    assert.match(enrol.body, /<svg/)
    const secret = /class="secret">([A-Z2-7 ]+)</.exec(enrol.body)?.[1]?.replace(/ /g, '')
    assert.ok(secret, 'the secret is shown as text')
    assert.equal((await admin.post('/account/totp', { code: '000000' })).statusCode, 400)
    const codes = await admin.post('/account/totp', { code: currentTotp(secret) })
    assert.equal(codes.statusCode, 200)
    assert.equal(codes.body.match(/<li>[a-z2-9]{5}(?:-[a-z2-9]{5}){3}<\/li>/g)?.length, 10)
    assert.equal((await admin.get('/staff')).statusCode, 200)

    assert.equal((await agent(t.app).get(`/setup/${token}`)).statusCode, 410, 'the link works once')
    const user = await t.store.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'ada@example.org')
      .executeTakeFirst()
    assert.ok(user?.totp_enabled_at)
    assert.deepEqual((await actions()).slice(0, 2), ['account.setup', 'factor.totp_enrolled'])
  })

  it('after enrolling, sends the TOTP page back to the account page, which says the app is set and how to change it', async () => {
    const member = await signIn(t.app, await createStaff(t.store.db, { roles: ['lawyer'] }))
    for (const again of [
      await member.get('/account/totp'),
      await member.post('/account/totp', { code: '1' }),
    ]) {
      assert.equal(again.statusCode, 303)
      assert.equal(again.headers.location, '/account?totp=set')
    }
    const account = await member.get('/account?totp=set')
    assert.equal(account.statusCode, 200)
    assert.match(account.body, /role="status">Your authenticator app is already set up;[^<]*reset link/)
  })

  it('refuses an expired setup link', async () => {
    const { id, token } = await createInvite(t.store.db, { kind: 'setup', roles: ['admin'] })
    await t.store.db
      .updateTable('invites')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute()
    assert.equal((await agent(t.app).get(`/setup/${token}`)).statusCode, 410)
  })
})

describe('signing in', () => {
  it('needs the password and then a TOTP code, and refuses the same code twice', async () => {
    const lawyer = await createStaff(t.store.db, { roles: ['lawyer'] })
    const visitor = agent(t.app)
    await visitor.get('/login')
    const first = await visitor.post('/login', { email: lawyer.email, password: lawyer.password })
    assert.equal(first.headers.location, '/login/totp?next=%2Fstaff')
    assert.equal((await visitor.get('/staff')).headers.location, '/login/totp')
    await visitor.get('/login/totp')
    const code = totpCode(lawyer.totpSecret!)
    assert.equal((await visitor.post('/login/totp', { code })).statusCode, 303)
    assert.equal((await visitor.get('/staff')).statusCode, 200)

    const again = agent(t.app)
    await again.get('/login')
    await again.post('/login', { email: lawyer.email, password: lawyer.password })
    await again.get('/login/totp')
    assert.equal((await again.post('/login/totp', { code })).statusCode, 401, 'a used code is refused')
  })

  it('says the same for a wrong password and an unknown e-mail, and audits both', async () => {
    const staff = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    const visitor = agent(t.app)
    await visitor.get('/login')
    const wrong = await visitor.post('/login', { email: staff.email, password: 'not the password' })
    const unknown = await visitor.post('/login', {
      email: 'nobody@example.org',
      password: 'not the password',
    })
    assert.equal(wrong.statusCode, 401)
    assert.equal(unknown.statusCode, 401)
    const message = (body: string) => /class="error-summary"[\s\S]*?<li>(.*?)<\/li>/.exec(body)?.[1]
    assert.equal(message(wrong.body), message(unknown.body))
    assert.ok((await actions()).filter((action) => action === 'signin.failed').length >= 2)
  })

  it('makes an account wait after five failures, even with the right password', async () => {
    const staff = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    const visitor = agent(t.app)
    await visitor.get('/login')
    for (let i = 0; i < 5; i++)
      await visitor.post('/login', { email: staff.email, password: 'wrong wrong wrong' })
    const blocked = await visitor.post('/login', { email: staff.email, password: staff.password })
    assert.equal(blocked.statusCode, 429)
    const wait = Number(blocked.headers['retry-after'])
    assert.ok(wait > 0 && wait <= 15, `Retry-After: ${wait}`)
    assert.match(blocked.body, /Try again in \d+ seconds?;/)
    assert.ok((await actions()).includes('signin.delayed'))
  })

  it('throttles an address’s network after twenty failures across accounts', async () => {
    const staff = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    // Behind a trusted proxy, so each test address counts apart from the others' 127.0.0.1.
    const env = loadEnv({ LIFELINE_DATA_DIR: t.store.dataDir, LIFELINE_TRUST_PROXY: 'true' })
    const proxied = await buildApp({ store: t.store, env, logger: false })
    const visitor = agent(proxied)
    await visitor.get('/login')
    const from = { 'x-forwarded-for': '198.51.100.7' }
    const attempt = (email: string, password: string) =>
      visitor.send(
        'POST',
        '/login',
        new URLSearchParams({ _csrf: visitor.csrf, email, password }).toString(),
        {
          'content-type': 'application/x-www-form-urlencoded',
          ...from,
        },
      )
    for (let i = 0; i < 20; i++) await attempt(`nobody${i}@example.org`, 'wrong wrong wrong')
    assert.equal((await attempt(staff.email, staff.password)).statusCode, 429)
    from['x-forwarded-for'] = '198.51.100.8'
    assert.equal((await attempt(staff.email, staff.password)).statusCode, 429, 'and so is its /24')
    from['x-forwarded-for'] = '198.51.101.8'
    assert.equal((await attempt(staff.email, staff.password)).statusCode, 303, 'another network gets in')
    await proxied.close()
  })

  it('lets an editor without sealed access in without a second factor', async () => {
    const editor = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    const visitor = await signIn(t.app, editor)
    assert.equal((await visitor.get('/staff')).statusCode, 200)
  })

  it('accepts a recovery code once', async () => {
    const admin = await createStaff(t.store.db, { roles: ['admin'] })
    const session = await signIn(t.app, admin)
    const page = await session.post('/account/recovery-codes', { code: totpCode(admin.totpSecret!, 1) })
    const code = /<li>([a-z2-9]{5}(?:-[a-z2-9]{5}){3})<\/li>/.exec(page.body)?.[1]
    assert.ok(code)
    const use = async () => {
      const visitor = agent(t.app)
      await visitor.get('/login')
      await visitor.post('/login', { email: admin.email, password: admin.password })
      await visitor.get('/login/totp')
      return (await visitor.post('/login/totp', { code: code.toUpperCase() })).statusCode
    }
    assert.equal(await use(), 303)
    assert.equal(await use(), 401)
  })
})

describe('sessions', () => {
  it('end when an admin disables the account', async () => {
    const admin = await createStaff(t.store.db, { roles: ['admin'] })
    const volunteer = await createStaff(t.store.db, { roles: ['volunteer'] })
    const adminAgent = await signIn(t.app, admin, 1)
    const volunteerAgent = await signIn(t.app, volunteer, 1)
    assert.equal((await volunteerAgent.get('/staff')).statusCode, 200)
    await adminAgent.get(`/staff/users/${volunteer.id}/disable`)
    assert.equal((await adminAgent.post(`/staff/users/${volunteer.id}/disable`)).statusCode, 303)
    assert.equal((await volunteerAgent.get('/staff')).statusCode, 303, 'sent back to sign-in')
    const retry = agent(t.app)
    await retry.get('/login')
    assert.equal(
      (await retry.post('/login', { email: volunteer.email, password: volunteer.password })).statusCode,
      401,
    )
  })

  it('end after 30 idle minutes', async () => {
    const editor = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    const visitor = await signIn(t.app, editor)
    await t.store.db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(Date.now() - 31 * 60_000) })
      .where('user_id', '=', editor.id)
      .execute()
    assert.equal((await visitor.get('/staff')).statusCode, 303)
  })

  it('end on sign-out', async () => {
    const editor = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    const visitor = await signIn(t.app, editor)
    await visitor.get('/staff')
    assert.equal((await visitor.post('/logout')).statusCode, 303)
    const left = await t.store.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', editor.id)
      .execute()
    assert.equal(left.length, 0)
  })
})

describe('changing the password', () => {
  it('gives a new key pair under the new password; the old password and the old key open nothing', async () => {
    const editor = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    const visitor = await signIn(t.app, editor)
    await visitor.get('/account')
    const changed = await visitor.post('/account/password', {
      current: editor.password,
      password: 'a brand new passphrase',
      confirm: 'a brand new passphrase',
    })
    assert.equal(changed.statusCode, 303)
    const { unlockAccount } = await import('./accounts.ts')
    assert.equal(await unlockAccount(t.store.db, editor.email, editor.password), null)
    const unlocked = await unlockAccount(t.store.db, editor.email, 'a brand new passphrase')
    const publicKey = keyPairFromPrivate(unlocked!.keyPair.privateKey).publicKey
    assert.notDeepEqual(publicKey, editor.keyPair.publicKey)
    const row = await t.store.db
      .selectFrom('users')
      .select('public_key')
      .where('id', '=', editor.id)
      .executeTakeFirstOrThrow()
    assert.deepEqual(row.public_key, publicKey)
    assert.equal((await visitor.get('/account')).statusCode, 200, 'this session goes on')
  })
})

describe('a forgotten password', () => {
  it('is replaced through a reset link; sealed records wait for a colleague to re-grant them', async () => {
    const admin = await createStaff(t.store.db, { roles: ['admin'] })
    const lawyer = await createStaff(t.store.db, { roles: ['lawyer'] })
    const deskId = await createDesk(t.store.db, { slug: 'reset-desk', name: 'Reset desk' })
    for (const member of [admin, lawyer]) {
      await addDeskMember(t.store.db, { deskId, userId: member.id, actorId: admin.id })
    }
    const recordId = await sealRecord(t.store.db, {
      deskId,
      kind: 'note',
      content: Buffer.from('before the reset'),
    })

    const adminAgent = await signIn(t.app, admin, 1)
    await adminAgent.get(`/staff/users/${lawyer.id}`)
    const made = await adminAgent.post(`/staff/users/${lawyer.id}/reset-link`)
    assert.equal(made.statusCode, 201)
    const link = /class="secret">[^<]*(\/reset\/[\w-]{43})</.exec(made.body)![1]!

    const visitor = agent(t.app)
    assert.equal((await visitor.get(link)).statusCode, 200)
    assert.equal((await visitor.post(link, { password: 'short', confirm: 'short' })).statusCode, 400)
    const done = await visitor.post(link, {
      password: 'a whole new passphrase',
      confirm: 'a whole new passphrase',
    })
    assert.equal(done.headers.location, '/account/totp', 'the second factor is set up again')
    assert.equal((await agent(t.app).get(link)).statusCode, 410, 'the link works once')

    const { unlockAccount } = await import('./accounts.ts')
    assert.equal(await unlockAccount(t.store.db, lawyer.email, lawyer.password), null)
    const renewed = (await unlockAccount(t.store.db, lawyer.email, 'a whole new passphrase'))!
    assert.equal(renewed.totpSecret, null)
    const reader = { userId: lawyer.id, keyPair: renewed.keyPair }
    await assert.rejects(openRecord(t.store.db, { recordId, reader }), { code: 'ERR_SEALED_NOT_FOUND' })
    await regrantDesk(t.store.db, {
      deskId,
      granter: { userId: admin.id, keyPair: admin.keyPair },
      granteeId: lawyer.id,
    })
    assert.equal((await openRecord(t.store.db, { recordId, reader })).toString(), 'before the reset')
    const actions = (
      await t.store.db.selectFrom('audit_log').select('action').where('target', '=', lawyer.id).execute()
    ).map((row) => row.action)
    assert.ok(actions.includes('account.reset_link_created') && actions.includes('account.reset'))
  })
})
