import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Agent, agent } from '../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { createStaff, signIn, type TestStaff, totpCode } from '../../../test/support/factories.ts'
import { secretOpen, sha256 } from '../crypto/primitives.ts'
import { newRecoveryCodes, recoveryCodeKey } from './totp.ts'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(() => t.close())

const codeRows = (userId: string) =>
  t.store.db
    .selectFrom('recovery_codes')
    .select(['code_hash', 'used_at'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute()

/** A member with TOTP and recovery codes, signed in through the forms (the current TOTP step spent). */
async function signedInMember(): Promise<{ member: TestStaff; session: Agent; codes: string[] }> {
  const member = await createStaff(t.store.db, { roles: ['lawyer'] })
  const codes = await newRecoveryCodes(t.store.db, member.id, recoveryCodeKey(t.store.db))
  const session = await signIn(t.app, member)
  await session.get('/account')
  return { member, session, codes }
}

/** What the session's cookie opens in its database row. */
async function sessionSecrets(session: Agent): Promise<Record<string, unknown>> {
  const [token, key] = session.cookies.get('lifeline_session')!.split('.')
  const row = await t.store.db
    .selectFrom('sessions')
    .select('secrets')
    .where('id', '=', sha256(Buffer.from(token!, 'base64url')))
    .executeTakeFirstOrThrow()
  return JSON.parse(secretOpen(row.secrets, Buffer.from(key!, 'base64url')).toString('utf8'))
}

const postJson = (session: Agent, url: string, body: unknown) =>
  session.send('POST', url, JSON.stringify(body), {
    'content-type': 'application/json',
    accept: 'application/json',
    'x-csrf-token': session.csrf,
  })

describe('new recovery codes', () => {
  it('are refused without a code, or with a wrong one, and nothing changes', async () => {
    const { member, session } = await signedInMember()
    const before = await codeRows(member.id)
    const missing = await session.post('/account/recovery-codes')
    assert.equal(missing.statusCode, 400)
    assert.match(missing.body, /Type the current code from your authenticator app/)
    const wrong = await session.post('/account/recovery-codes', { code: '000000' })
    assert.equal(wrong.statusCode, 401)
    assert.match(wrong.body, /This code is wrong or was already used.*Nothing was changed/)
    assert.doesNotMatch(wrong.body, /class="codes"/)
    assert.deepEqual(await codeRows(member.id), before)
    const audited = await t.store.db
      .selectFrom('audit_log')
      .select('action')
      .where('target', '=', member.id)
      .where('action', '=', 'account.reauth_failed')
      .execute()
    assert.equal(audited.length, 1)
  })

  it('says so in Russian and Ukrainian too', async () => {
    const member = await createStaff(t.store.db, { roles: ['lawyer'] })
    for (const [language, text] of [
      ['ru', /Код неверный или уже использован/],
      ['uk', /Код неправильний або вже використаний/],
    ] as const) {
      const session = agent(t.app, language)
      await session.get('/login')
      await session.post('/login', { email: member.email, password: member.password })
      await session.get('/login/totp')
      await session.post('/login/totp', { code: totpCode(member.totpSecret!, language === 'ru' ? 0 : 1) })
      await session.get('/account')
      const wrong = await session.post('/account/recovery-codes', { code: '000000' })
      assert.equal(wrong.statusCode, 401)
      assert.match(wrong.body, text)
    }
  })

  it('are made with the next code from the app, which then works no second time', async () => {
    const { member, session, codes } = await signedInMember()
    const code = totpCode(member.totpSecret!, 1)
    const made = await session.post('/account/recovery-codes', { code })
    assert.equal(made.statusCode, 200)
    assert.match(made.body, /class="codes"/)
    const rows = await codeRows(member.id)
    assert.ok(rows.every((row) => row.code_hash.startsWith('mac:') && !row.used_at))
    assert.ok(!rows.some((row) => codes.some((old) => row.code_hash.includes(sha256(old)))))
    await session.get('/account')
    assert.equal((await session.post('/account/recovery-codes', { code })).statusCode, 401, 'replayed')
  })

  it('are made with an unused recovery code, which is used up', async () => {
    const { session, codes } = await signedInMember()
    const made = await session.post('/account/recovery-codes', { code: codes[3]! })
    assert.equal(made.statusCode, 200)
    await session.get('/account')
    assert.equal((await session.post('/account/recovery-codes', { code: codes[3]! })).statusCode, 401)
  })

  it('count wrong codes against the sign-in throttle', async () => {
    const { session } = await signedInMember()
    const statuses: number[] = []
    // Five on the browser's own device cookie, then five more on the account, then a wait.
    for (let i = 0; i < 11; i++) {
      statuses.push((await session.post('/account/recovery-codes', { code: `00000${i % 10}` })).statusCode)
    }
    assert.equal(statuses.at(-1), 429, statuses.join(' '))
    assert.ok(
      statuses.slice(0, 10).every((status) => status === 401),
      statuses.join(' '),
    )
  })
})

describe('adding a passkey', () => {
  it('gets no challenge without a right code, so no passkey can be stored', async () => {
    const { member, session } = await signedInMember()
    const missing = await postJson(session, '/account/passkeys/options', {})
    assert.equal(missing.statusCode, 400)
    assert.equal(missing.json().error.code, 'ERR_REAUTH_MISSING')
    assert.match(missing.json().error.message, /Type the current code from your authenticator app/)
    const wrong = await postJson(session, '/account/passkeys/options', { code: '000000' })
    assert.equal(wrong.statusCode, 401)
    assert.match(wrong.json().error.message, /wrong or was already used/)
    assert.equal((await sessionSecrets(session)).passkeyChallenge, undefined)
    const skipped = await postJson(session, '/account/passkeys', {
      response: { id: 'x', rawId: 'x', type: 'public-key' },
    })
    assert.equal(skipped.statusCode, 400)
    const right = await postJson(session, '/account/passkeys/options', {
      code: totpCode(member.totpSecret!, 1),
    })
    assert.equal(right.statusCode, 200)
    assert.equal((await sessionSecrets(session)).passkeyChallenge, right.json().challenge)
  })
})

describe('the session after signing in', () => {
  it('carries no TOTP secret, by code or after enrolling', async () => {
    const { session } = await signedInMember()
    const secrets = await sessionSecrets(session)
    assert.ok(secrets.privateKey, 'the private key stays: sealed records need it')
    assert.equal(secrets.totpSecret, undefined)

    const editor = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    const enrolling = await signIn(t.app, editor)
    const page = await enrolling.get('/account/totp')
    const secret = /class="secret">([A-Z2-7 ]+)</.exec(page.body)![1]!.replace(/ /g, '')
    assert.equal((await enrolling.post('/account/totp', { code: totpCode(secret) })).statusCode, 200)
    assert.equal((await sessionSecrets(enrolling)).totpSecret, undefined)
    assert.equal((await sessionSecrets(enrolling)).pendingTotpSecret, undefined)
  })
})
