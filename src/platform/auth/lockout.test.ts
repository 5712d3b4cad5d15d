import assert from 'node:assert/strict'
import { createHmac, randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { type Kysely, sql } from 'kysely'
import { up as hashSubjects } from '../../../migrations/20261206-200000-signin-failures-hashed.ts'
import { type Agent, agent, encodeForm } from '../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { createStaff, signIn, type TestStaff, totpCode } from '../../../test/support/factories.ts'
import { type App, buildApp } from '../../app.ts'
import { loadEnv } from '../../env.ts'
import { deleteOldFailures } from './throttle.ts'

let t: TestApp
// Behind a trusted proxy, so a test can come from another address; without the header it is loopback,
// as everyone behind an onion service is.
let app: App
before(async () => {
  t = await testApp()
  const env = loadEnv({
    LIFELINE_DATA_DIR: t.store.dataDir,
    LIFELINE_PUBLIC_URL: 'http://localhost:8080',
    LIFELINE_TRUST_PROXY: 'true',
  })
  app = await buildApp({ store: t.store, env, logger: false })
})
after(async () => {
  await app.close()
  await t.close()
})

const ELSEWHERE = '198.51.100.23'

/** Posts a form as `visitor`, from `address` (loopback when none). */
function postFrom(visitor: Agent, url: string, form: Record<string, string>, address?: string) {
  return visitor.send('POST', url, encodeForm({ _csrf: visitor.csrf, ...form }), {
    'content-type': 'application/x-www-form-urlencoded',
    ...(address ? { 'x-forwarded-for': address } : {}),
  })
}

/** A stranger at the password step, from `address`. */
async function stranger(email: string, password: string, address?: string) {
  const visitor = agent(app)
  await visitor.get('/login')
  const response = await postFrom(visitor, '/login', { email, password }, address)
  if (response.statusCode === 303) await visitor.get(response.headers.location!)
  return { visitor, response }
}

/** Time passes for the throttle: every counted failure becomes `seconds` older. */
async function elapse(seconds: number) {
  await t.store.db
    .updateTable('login_failures')
    .set({ at: sql`at - make_interval(secs => ${seconds})` })
    .execute()
}

/** The member's own browser, signed in once (so holding a device cookie), then signed out. */
async function knownBrowser(member: TestStaff): Promise<Agent> {
  const browser = await signIn(app, member)
  assert.ok([...browser.cookies.keys()].includes('lifeline_device'), 'a full sign-in gives a device cookie')
  await browser.post('/logout')
  return browser
}

/** Signs in with the password and, if asked, the current code; the status of each step. */
async function signInWith(browser: Agent, member: TestStaff, stepsAhead = 0) {
  await browser.get('/login')
  const login = await browser.post('/login', { email: member.email, password: member.password })
  if (login.statusCode !== 303 || !member.totpSecret) return { login, code: null }
  await browser.get(login.headers.location!)
  const code = await browser.post('/login/totp', { code: totpCode(member.totpSecret, stepsAhead) })
  return { login, code }
}

const audited = async (target: string, action: string) =>
  (
    await t.store.db
      .selectFrom('audit_log')
      .select('id')
      .where('target', '=', target)
      .where('action', '=', action)
      .execute()
  ).length

describe('guessing a member’s password or code', () => {
  it('does not keep the member out of a browser holding its device cookie', async () => {
    const member = await createStaff(t.store.db, { roles: ['lawyer'] })
    const browser = await knownBrowser(member)
    // The password is phished: attackers at an address and behind the onion service reach the code form.
    const remote = await stranger(member.email, member.password, ELSEWHERE)
    const onion = await stranger(member.email, member.password)
    assert.equal(remote.response.statusCode, 303)
    assert.equal(onion.response.statusCode, 303)
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) {
      statuses.push((await postFrom(remote.visitor, '/login/totp', { code: '000000' }, ELSEWHERE)).statusCode)
      statuses.push((await postFrom(onion.visitor, '/login/totp', { code: '000000' })).statusCode)
    }
    for (let i = 0; i < 5; i++) {
      statuses.push((await stranger(member.email, `guess ${i}`, ELSEWHERE)).response.statusCode)
      statuses.push((await stranger(member.email, `guess ${i}`)).response.statusCode)
    }
    assert.ok(statuses.includes(429), `the guesses were never made to wait: ${statuses.join(' ')}`)
    assert.ok(
      statuses.every((status) => status === 401 || status === 429),
      statuses.join(' '),
    )
    assert.ok((await audited(member.id, 'signin.delayed')) > 0, 'the waits are audited')

    const { login, code } = await signInWith(browser, member, 1)
    assert.equal(login.statusCode, 303, 'the password passes at once')
    assert.equal(code?.statusCode, 303, 'and so does the member’s own code')
    assert.equal((await browser.get('/staff')).statusCode, 200)
  })

  it('makes a new browser wait a while, not lock it out', async () => {
    const member = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    for (let i = 0; i < 5; i++) await stranger(member.email, `guess ${i}`)
    const fresh = agent(app)
    await fresh.get('/login')
    const refused = await fresh.post('/login', { email: member.email, password: member.password })
    assert.equal(refused.statusCode, 429)
    const wait = Number(refused.headers['retry-after'])
    assert.ok(wait > 0 && wait <= 15, `Retry-After: ${wait}`)
    assert.match(refused.body, /Try again in \d+ seconds?;/)
    assert.match(refused.body, new RegExp(`value="${member.email}"`), 'the e-mail stays filled in')
    await elapse(wait)
    const let_in = await fresh.post('/login', { email: member.email, password: member.password })
    assert.equal(let_in.statusCode, 303, 'after the wait the right password passes')
  })

  it('gives an attacker a bounded number of guesses an hour', async () => {
    const member = await createStaff(t.store.db, { roles: ['lawyer'] })
    const { visitor } = await stranger(member.email, member.password)
    // Guess codes from behind the onion service as fast as allowed, for two simulated hours.
    const checked = [0, 0]
    let clock = 0
    // Bounded, so a throttle that lets every guess through fails here rather than running for hours.
    for (let tries = 0; clock < 7200 && tries < 60; tries++) {
      const started = Date.now()
      const response = await postFrom(visitor, '/login/totp', { code: '000000' })
      clock += (Date.now() - started) / 1000
      if (response.statusCode === 401) checked[Math.floor(clock / 3600)]! += 1
      else {
        assert.equal(response.statusCode, 429)
        const wait = Number(response.headers['retry-after'])
        assert.ok(wait > 0 && wait <= 900, `Retry-After: ${wait}`)
        await elapse(wait)
        clock += wait
      }
    }
    // 5 free, then waits of 15 s doubling to 15 minutes: 13 in the first hour, 4 an hour after.
    assert.ok(checked[0]! <= 13, `first hour: ${checked[0]} guesses`)
    assert.ok(checked[1]! <= 4, `second hour: ${checked[1]} guesses`)
    assert.ok(checked[0]! >= 5, 'the member’s own typos are not punished at once')
  })

  it('gives no pass to a forged device cookie or another account’s', async () => {
    const member = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    const colleague = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    const colleagueBrowser = await knownBrowser(colleague)
    for (let i = 0; i < 5; i++) await stranger(member.email, `guess ${i}`)

    const other = await signInWith(colleagueBrowser, member)
    assert.equal(other.login.statusCode, 429, 'a device cookie is for the account it was issued to')

    const nonce = randomBytes(16).toString('base64url')
    const forgedMac = createHmac('sha256', 'not the server secret').update(`${member.id}.${nonce}`)
    const forger = agent(app)
    forger.cookies.set('lifeline_device', `${nonce}.${forgedMac.digest('base64url')}`)
    assert.equal((await signInWith(forger, member)).login.statusCode, 429)
  })

  it('stops trusting a device cookie that fails too often', async () => {
    const member = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    const browser = await knownBrowser(member)
    for (let i = 0; i < 5; i++) await stranger(member.email, `guess ${i}`)
    await browser.get('/login')
    for (let i = 0; i < 5; i++) {
      const typo = await browser.post('/login', { email: member.email, password: `typo ${i}` })
      assert.equal(typo.statusCode, 401, 'the device is judged by its own failures')
    }
    assert.equal((await signInWith(browser, member)).login.statusCode, 429, 'then it waits like a stranger')
    assert.equal(await audited(member.id, 'signin.device_distrusted'), 1)
  })
})

describe('the notice after signing in', () => {
  it('shows how many attempts failed since the last sign-in, once', async () => {
    const member = await createStaff(t.store.db, { roles: ['lawyer'] })
    const browser = await knownBrowser(member)
    for (let i = 0; i < 3; i++) await stranger(member.email, `guess ${i}`, ELSEWHERE)
    const { visitor } = await stranger(member.email, member.password)
    for (let i = 0; i < 2; i++) await postFrom(visitor, '/login/totp', { code: '000000' })

    const { code } = await signInWith(browser, member, 1)
    assert.equal(code?.headers.location, '/login/notice?next=%2Fstaff')
    const notice = await browser.get(code!.headers.location!)
    assert.equal(notice.statusCode, 200)
    assert.match(notice.body, /Since your last sign-in, 5 attempts to sign in to your account failed/)
    assert.match(notice.body, /href="\/account#field-current">change your password/)
    assert.match(notice.body, /href="\/staff"/)
    const again = await browser.get('/login/notice?next=%2Fstaff')
    assert.equal(again.statusCode, 303, 'shown once')

    await browser.post('/logout')
    // A minute later, when the codes used so far have gone by.
    await t.store.db.updateTable('users').set({ totp_last_step: null }).where('id', '=', member.id).execute()
    const next = await signInWith(browser, member)
    assert.equal(next.code?.headers.location, '/staff', 'nothing failed since: no notice')
  })
})

describe('what the throttle keeps', () => {
  it('is no text typed as the e-mail, only keyed hashes', async () => {
    const typed = ['my secret passphrase', 'Someone@Example.org']
    for (const email of typed) await stranger(email, 'whatever it is', ELSEWHERE)
    const rows = await t.store.db.selectFrom('login_failures').selectAll().execute()
    assert.ok(rows.length >= 2)
    for (const row of rows) {
      assert.match(row.subject, /^(account|address|device|receipt):[\w-]{43}$/)
      for (const text of [...typed, 'someone@example.org', ELSEWHERE]) assert.ok(!row.subject.includes(text))
    }
  })

  it('forgets failures after an hour without any, and help-desk receipt misses after 15 minutes', async () => {
    await t.store.db.deleteFrom('login_failures').execute()
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000)
    const rows = [
      { subject: 'account:quiet', at: ago(61) },
      { subject: 'account:quiet', at: ago(90) },
      { subject: 'account:active', at: ago(90) },
      { subject: 'account:active', at: ago(10) },
      { subject: 'receipt:old', at: ago(16) },
      { subject: 'receipt:new', at: ago(5) },
    ]
    await t.store.db.insertInto('login_failures').values(rows).execute()
    assert.equal(await deleteOldFailures(t.store.db), 3)
    const left = await t.store.db.selectFrom('login_failures').select('subject').orderBy('subject').execute()
    assert.deepEqual(
      left.map((row) => row.subject),
      ['account:active', 'account:active', 'receipt:new'],
    )
  })

  it('loses the e-mails an older version kept in clear', async () => {
    await t.store.db.insertInto('login_failures').values({ subject: 'account:typed@example.org' }).execute()
    await hashSubjects(t.store.db as unknown as Kysely<unknown>)
    const left = await t.store.db
      .selectFrom('login_failures')
      .select('subject')
      .where('subject', 'like', '%@%')
      .execute()
    assert.deepEqual(left, [])
  })
})
