import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { agent } from '../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { createStaff, signIn, totpCode } from '../../../test/support/factories.ts'
import { buildApp } from '../../app.ts'
import { loadEnv } from '../../env.ts'
import { createInvite } from './invites.ts'
import { currentTotp } from './totp.ts'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(() => t.close())

async function passwordStep(email: string, password: string) {
  const visitor = agent(t.app)
  await visitor.get('/login')
  const response = await visitor.post('/login', { email, password })
  // Like a browser, open the code form: its token is the half-signed-in session's.
  if (response.statusCode === 303) await visitor.get(response.headers.location!)
  return { visitor, response }
}

describe('attacks on signing in', () => {
  it('a known password does not reset the count of second-factor guesses', async () => {
    const lawyer = await createStaff(t.store.db, { roles: ['lawyer'] })
    const statuses: number[] = []
    for (let round = 0; round < 3; round++) {
      const { visitor, response } = await passwordStep(lawyer.email, lawyer.password)
      if (response.statusCode === 429) {
        statuses.push(429)
        break
      }
      for (let i = 0; i < 3; i++)
        statuses.push((await visitor.post('/login/totp', { code: '000000' })).statusCode)
    }
    assert.ok(statuses.includes(429), `guesses went on unthrottled: ${statuses.join(' ')}`)
    assert.ok(statuses.filter((status) => status === 401).length <= 5, statuses.join(' '))
  })

  it('counts wrong passwords sent at the same moment', async () => {
    const editor = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    const visitor = agent(t.app)
    await visitor.get('/login')
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        visitor.post('/login', { email: editor.email, password: 'wrong guess!' }),
      ),
    )
    const wrong = results.filter((result) => result.statusCode === 401).length
    assert.ok(wrong <= 5, `${wrong} guesses were checked`)
  })

  it('accepts a TOTP code once even when two sessions send it at the same moment', async () => {
    const lawyer = await createStaff(t.store.db, { roles: ['lawyer'] })
    const first = await passwordStep(lawyer.email, lawyer.password)
    const second = await passwordStep(lawyer.email, lawyer.password)
    const code = totpCode(lawyer.totpSecret!)
    const results = await Promise.all([
      first.visitor.post('/login/totp', { code }),
      second.visitor.post('/login/totp', { code }),
    ])
    assert.deepEqual(results.map((result) => result.statusCode).sort(), [303, 401])
  })

  it('writes no typed e-mail into the audit log for an unknown account', async () => {
    await passwordStep('my password by mistake', 'whatever')
    const rows = await t.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'signin.failed')
      .execute()
    assert.ok(rows.length > 0)
    assert.ok(rows.every((row) => !JSON.stringify(row).includes('my password by mistake')))
  })

  it('throttles checking the current password from a signed-in session', async () => {
    const editor = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    const session = await signIn(t.app, editor)
    await session.get('/account')
    const statuses: number[] = []
    // Five on the browser's own device cookie, then five more on the account, then a wait.
    for (let i = 0; i < 11; i++) {
      const form = {
        current: `guess number ${i}`,
        password: 'new password long',
        confirm: 'new password long',
      }
      statuses.push((await session.post('/account/password', form)).statusCode)
    }
    assert.equal(statuses.at(-1), 429, statuses.join(' '))
  })

  it('keys the address throttle on the last trusted proxy hop, not on what the client claims', async () => {
    const env = loadEnv({ LIFELINE_DATA_DIR: t.store.dataDir, LIFELINE_TRUST_PROXY: '1' })
    const proxied = await buildApp({ store: t.store, env, logger: false })
    const visitor = agent(proxied)
    await visitor.get('/login')
    const attempt = (claimed: string, email: string) =>
      visitor.send(
        'POST',
        '/login',
        new URLSearchParams({ _csrf: visitor.csrf, email, password: 'nope nope' }).toString(),
        {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': `${claimed}, 203.0.113.50`,
        },
      )
    for (let i = 0; i < 20; i++) await attempt(`10.0.0.${i}`, `someone${i}@example.org`)
    assert.equal((await attempt('10.9.9.9', 'fresh@example.org')).statusCode, 429)
    await proxied.close()
  })
})

describe('attacks on accounts', () => {
  it('a setup link stops working once an account exists', async () => {
    const { token } = await createInvite(t.store.db, { kind: 'setup', roles: ['admin'] })
    await createStaff(t.store.db, { roles: ['admin'] })
    const visitor = agent(t.app)
    assert.equal((await visitor.get(`/setup/${token}`)).statusCode, 410)
    const form = {
      displayName: 'X',
      email: 'late@example.org',
      password: 'long enough pass',
      confirm: 'long enough pass',
    }
    assert.equal((await visitor.post(`/setup/${token}`, form)).statusCode, 410)
  })

  it('an older enrolment page cannot replace a second factor already set up', async () => {
    const { token } = await createInvite(t.store.db, { kind: 'invite', roles: ['lawyer'] })
    const first = agent(t.app)
    await first.get(`/signup/${token}`)
    const password = 'long enough pass'
    await first.post(`/signup/${token}`, {
      displayName: 'L',
      email: 'enrol-twice@example.org',
      password,
      confirm: password,
    })
    const second = (await passwordStep('enrol-twice@example.org', password)).visitor
    const secretOf = async (visitor: typeof first) =>
      /class="secret">([A-Z2-7 ]+)</.exec((await visitor.get('/account/totp')).body)![1]!.replace(/ /g, '')
    const [a, b] = [await secretOf(first), await secretOf(second)]
    assert.equal((await first.post('/account/totp', { code: currentTotp(a) })).statusCode, 200)
    assert.equal((await second.post('/account/totp', { code: currentTotp(b) })).statusCode, 404)
  })

  it('a member given a sealed-data role while signed in without TOTP must enrol first', async () => {
    const editor = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    const session = await signIn(t.app, editor)
    assert.equal((await session.get('/staff')).statusCode, 200)
    await t.store.db.insertInto('user_roles').values({ user_id: editor.id, role: 'admin' }).execute()
    const response = await session.get('/staff/users')
    assert.equal(response.statusCode, 303)
    assert.equal(response.headers.location, '/account/totp')
  })
})
