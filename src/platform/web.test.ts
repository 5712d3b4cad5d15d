import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { agent } from '../../test/support/agent.ts'
import { type TestApp, testApp } from '../../test/support/app.ts'
import { createStaff, signIn } from '../../test/support/factories.ts'
import { buildApp } from '../app.ts'
import { loadEnv } from '../env.ts'
import { allJobs } from '../modules.ts'
import { createInvite } from './auth/invites.ts'
import { expireSessions } from './jobs/expire-sessions.ts'
import { startJobs } from './jobs/queue.ts'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(() => t.close())

function foreignReferences(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href|action|srcset|poster|data)\s*=\s*"([^"]*)"/gi)]
    .map((match) => match[1]!)
    .filter((value) => /^(?:[a-z]+:)?\/\//i.test(value) && !value.startsWith('http://localhost'))
}

describe('every response', () => {
  it('carries a strict Content-Security-Policy and no referrer', async () => {
    const editor = await signIn(t.app, await createStaff(t.store.db, { roles: ['editor'], totp: false }))
    const asset = /href="(\/assets\/style\.[^"]+)"/.exec((await editor.get('/')).body)![1]!
    for (const url of ['/', '/login', '/nope', '/healthz', asset, '/staff', '/account']) {
      const response = await editor.get(url)
      const csp = String(response.headers['content-security-policy'])
      assert.match(csp, /script-src 'self'/, url)
      assert.match(csp, /frame-ancestors 'none'/, url)
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, url)
      assert.equal(response.headers['referrer-policy'], 'no-referrer', url)
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url)
      const cache = String(response.headers['cache-control'])
      if (url === asset) assert.match(cache, /immutable/)
      else assert.equal(cache, 'no-store', url)
    }
  })

  it('refers to no other host', async () => {
    const editor = await signIn(t.app, await createStaff(t.store.db, { roles: ['editor'], totp: false }))
    for (const url of ['/', '/login', '/nope', '/staff', '/account']) {
      assert.deepEqual(foreignReferences((await editor.get(url)).body), [], url)
    }
  })
})

describe('cookies', () => {
  it('are not set by reading a public page; a page with a form sets the CSRF cookie only', async () => {
    assert.equal((await t.app.inject('/')).headers['set-cookie'], undefined)
    const login = await t.app.inject('/login')
    assert.match(
      String(login.headers['set-cookie']),
      /^lifeline_csrf=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict$/,
    )
  })
})

describe('languages', () => {
  it('follows the browser, then the remembered choice', async () => {
    const visitor = agent(t.app, 'uk-UA,uk;q=0.9,en;q=0.5')
    assert.match((await visitor.get('/')).body, /<html lang="uk">/)
    const switched = await visitor.get('/login?lang=en&next=%2Fstaff')
    assert.equal(switched.statusCode, 303)
    assert.equal(switched.headers.location, '/login?next=%2Fstaff')
    assert.match((await visitor.get('/')).body, /<html lang="en">/)
    assert.match((await agent(t.app, 'de').get('/')).body, /<html lang="ru">/)
  })
})

describe('health', () => {
  it('reports the process and the database', async () => {
    assert.deepEqual((await t.app.inject('/healthz')).json(), { status: 'ok' })
    const ready = await t.app.inject('/readyz')
    assert.equal(ready.statusCode, 200)
    assert.equal(ready.json().engine, t.store.engine)
  })
})

describe('logs', () => {
  it('hold no password, token, session cookie or address', async () => {
    const stream = new PassThrough()
    const lines: string[] = []
    stream.on('data', (chunk: Buffer) => lines.push(chunk.toString()))
    const env = loadEnv({ LIFELINE_DATA_DIR: t.store.dataDir, LOG_LEVEL: 'trace' })
    const app = await buildApp({ store: t.store, env, logStream: stream })
    const { token } = await createInvite(t.store.db, { kind: 'invite', roles: ['editor'] })
    const visitor = agent(app)
    await visitor.get(`/signup/${token}`)
    const password = 'secret passphrase 42'
    await visitor.post(`/signup/${token}`, {
      displayName: 'Log',
      email: 'log@example.org',
      password,
      confirm: password,
    })
    await visitor.get('/staff', { 'x-forwarded-for': '203.0.113.9' })
    await app.close()
    const log = lines.join('')
    assert.match(log, /"route":"\/signup\/:token"/, 'requests are logged by route')
    for (const secret of [
      password,
      token,
      visitor.cookies.get('lifeline_session')!,
      '127.0.0.1',
      '203.0.113.9',
    ]) {
      assert.ok(!log.includes(secret), `log contains ${secret.slice(0, 12)}…`)
    }
  })
})

describe('jobs', () => {
  it('expire ended sessions through the queue', async () => {
    const editor = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    await signIn(t.app, editor)
    await t.store.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', editor.id)
      .execute()
    const jobs = await startJobs(t.store, { jobs: allJobs() })
    try {
      const id = await jobs.boss.send(expireSessions.name, {})
      let state = ''
      for (let i = 0; i < 100 && state !== 'completed'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        state = (await jobs.boss.getJobById(expireSessions.name, id!))?.state ?? ''
      }
      assert.equal(state, 'completed')
    } finally {
      await jobs.stop()
    }
    const left = await t.store.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', editor.id)
      .execute()
    assert.equal(left.length, 0)
  })
})

describe('the audit log page', () => {
  it('filters by event and refuses a malformed date with a message', async () => {
    const admin = await signIn(t.app, await createStaff(t.store.db, { roles: ['admin'] }))
    const filtered = await admin.get('/staff/audit?action=signin.success')
    assert.equal(filtered.statusCode, 200)
    const table = filtered.body.slice(filtered.body.indexOf('<table'))
    assert.match(table, /<td>Signed in<\/td>/)
    assert.doesNotMatch(table, /<td>First administrator account created<\/td>/)
    const bad = await admin.get('/staff/audit?from=yesterday')
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /field-from-error/)
  })
})
