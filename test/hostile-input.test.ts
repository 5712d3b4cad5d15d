import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ensureTerms, insertEvents } from '../src/modules/chronicle/testing/events.ts'
import { createInvite } from '../src/platform/auth/invites.ts'
import { type Agent, agent, encodeForm } from './support/agent.ts'
import { type TestApp, testApp } from './support/app.ts'
import { createStaff, signIn } from './support/factories.ts'

let t: TestApp
let admin: Agent
before(async () => {
  t = await testApp()
  admin = await signIn(t.app, await createStaff(t.store.db, { roles: ['admin'] }))
  await admin.get('/staff/users')
})
after(() => t.close())

const count = async (table: 'users' | 'invites' | 'user_roles') =>
  Number(
    (
      await t.store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

async function signupLink(): Promise<string> {
  return `/signup/${(await createInvite(t.store.db, { kind: 'invite', roles: ['volunteer'] })).token}`
}

const form = (overrides: Record<string, string> = {}) => ({
  displayName: 'Someone',
  email: `x${Math.random().toString(36).slice(2)}@example.org`,
  password: 'twelve chars or more',
  confirm: 'twelve chars or more',
  ...overrides,
})

describe('CSRF', () => {
  it('refuses a form without a token and changes nothing', async () => {
    const before = await count('invites')
    const response = await admin.post('/staff/invites', { roles: 'lawyer' }, { csrf: null })
    assert.equal(response.statusCode, 403)
    assert.match(response.body, /ERR_CSRF/)
    assert.equal(await count('invites'), before)
  })

  it('refuses a token taken from another visitor', async () => {
    const stranger = agent(t.app)
    await stranger.get('/login')
    const before = await count('invites')
    const response = await admin.post('/staff/invites', { roles: 'lawyer' }, { csrf: stranger.csrf })
    assert.equal(response.statusCode, 403)
    assert.equal(await count('invites'), before)
  })

  it('refuses a first visit that posts without ever having loaded a form', async () => {
    const response = await agent(t.app).post('/login', { email: 'a@b.cd', password: 'x' }, { csrf: 'forged' })
    assert.equal(response.statusCode, 403)
  })
})

describe('hostile form input', () => {
  it('answers an oversized body with 413 and a page saying so', async () => {
    const visitor = agent(t.app)
    await visitor.get('/login')
    const response = await visitor.post('/login', { email: 'a@b.cd', password: 'x'.repeat(300 * 1024) })
    assert.equal(response.statusCode, 413)
    assert.match(response.body, /ERR_TOO_LARGE/)
  })

  it('reports an overlong field next to the field and creates nothing', async () => {
    const before = await count('users')
    const visitor = agent(t.app)
    const link = await signupLink()
    await visitor.get(link)
    const response = await visitor.post(link, form({ displayName: 'я'.repeat(10_000) }))
    assert.equal(response.statusCode, 400)
    assert.match(response.body, /field-displayName-error/)
    assert.equal(await count('users'), before)
  })

  it('refuses broken UTF-8, NUL bytes and control characters', async () => {
    const link = await signupLink()
    const visitor = agent(t.app)
    await visitor.get(link)
    const base = encodeForm({ _csrf: visitor.csrf, ...form() }).replace('displayName=Someone&', '')
    for (const broken of ['%FF%FE%FD', 'a%00b', 'a%1Bb']) {
      const response = await visitor.send('POST', link, `displayName=${broken}&${base}`, {
        'content-type': 'application/x-www-form-urlencoded',
      })
      assert.equal(response.statusCode, 400, broken)
      assert.match(response.body, /field-displayName-error/, broken)
    }
    const raw = Buffer.concat([
      Buffer.from('displayName='),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(`&${base}`),
    ])
    const response = await visitor.send('POST', link, raw, {
      'content-type': 'application/x-www-form-urlencoded',
    })
    assert.equal(response.statusCode, 400)
  })

  it("refuses bidirectional controls, saying why in the reader's language, and creates nothing", async () => {
    const before = await count('users')
    for (const [language, why] of [
      ['en', /change the direction of text/],
      ['ru', /меняющие направление текста/],
      ['uk', /змінюють напрямок тексту/],
    ] as const) {
      const link = await signupLink()
      const visitor = agent(t.app, language)
      await visitor.get(link)
      // U+202E reverses what follows: "Admin" + RLO + "gnp.exe" shows as "Adminexe.png".
      const response = await visitor.post(link, form({ displayName: 'Admin\u202Egnp.exe' }))
      assert.equal(response.statusCode, 400, language)
      assert.match(response.body, /id="field-displayName-error">[^<]+</, language)
      assert.match(response.body, why, language)
    }
    const isolate = await signupLink()
    const visitor = agent(t.app)
    await visitor.get(isolate)
    const response = await visitor.post(isolate, form({ displayName: 'a\u2067b\u2069c' }))
    assert.equal(response.statusCode, 400)
    assert.equal(await count('users'), before)
  })

  it('drops a byte order mark inside a field, not only a leading one', async () => {
    const link = await signupLink()
    const visitor = agent(t.app)
    await visitor.get(link)
    const email = `bom${Math.random().toString(36).slice(2)}@example.org`
    const response = await visitor.post(link, form({ displayName: '\uFEFFAnna\uFEFF Bom', email }))
    assert.equal(response.statusCode, 303)
    const saved = await t.store.db
      .selectFrom('users')
      .select('display_name')
      .where('email', '=', email)
      .executeTakeFirstOrThrow()
    assert.equal(saved.display_name, 'Anna Bom')
  })

  it('escapes markup everywhere it is shown', async () => {
    const link = await signupLink()
    const visitor = agent(t.app)
    await visitor.get(link)
    const markup = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    const response = await visitor.post(link, form({ displayName: markup }))
    assert.equal(response.statusCode, 303)
    const list = await admin.get('/staff/users')
    assert.ok(!list.body.includes('<script>alert(1)'), 'markup is not echoed raw')
    assert.ok(!list.body.includes('<img src=x'), 'markup is not echoed raw')
    assert.match(list.body, /&#60;script&#62;alert\(1\)/)
  })

  it('treats SQL fragments as plain text', async () => {
    const visitor = agent(t.app)
    await visitor.get('/login')
    const users = await count('users')
    for (const email of ["' OR '1'='1' --", 'a@b.cd; DROP TABLE users; --']) {
      const response = await visitor.post('/login', { email, password: "' OR 1=1 --" })
      assert.equal(response.statusCode, 401)
    }
    assert.equal(await count('users'), users)
  })

  it('answers repeated fields and unexpected types with 400, not a crash', async () => {
    const visitor = agent(t.app)
    await visitor.get('/login')
    const response = await visitor.post('/login', { email: ['a@b.cd', 'c@d.ef'], password: 'x' })
    assert.equal(response.statusCode, 400)
    const json = await visitor.send(
      'POST',
      '/login',
      JSON.stringify({ _csrf: visitor.csrf, email: { $ne: 1 } }),
      {
        'content-type': 'application/json',
      },
    )
    assert.equal(json.statusCode, 400)
    const text = await visitor.send('POST', '/login', 'email=a', { 'content-type': 'text/plain' })
    assert.equal(text.statusCode, 415)
  })

  it('refuses hostile merge, undo and duplicates requests with a 4xx and merges nothing', async () => {
    const db = t.store.db
    const terms = await ensureTerms(db)
    const [a, b] = await insertEvents(db, [
      {
        title: { en: 'Hostile merge A' },
        type_id: terms.event_type.picket,
        start_date: '2023-01-02',
        start_precision: 'day',
      },
      {
        title: { en: 'Hostile merge B' },
        type_id: terms.event_type.picket,
        start_date: '2023-01-02',
        start_precision: 'day',
      },
    ])
    const merges = async () =>
      Number(
        (
          await db
            .selectFrom('chronicle_merges')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const before = await merges()
    await admin.get(`/staff/chronicle/events/${a}/merge?from=${b}`)
    for (const form of [
      { from: `${b}\u0000`, version: '1', from_version: '1' },
      { from: `\u202e${b}`, version: '1', from_version: '1' },
      { from: String(b), version: ['1', '1'], from_version: '1' },
      { from: String(b), version: '1'.repeat(400), from_version: '1' },
      { from: '1 OR 1=1', version: '1', from_version: '1' },
      { __proto__: 'x', from: String(b), version: '-1', from_version: 'NaN' },
    ] as Record<string, string | string[]>[]) {
      const response = await admin.post(`/staff/chronicle/events/${a}/merge`, form)
      assert.ok(
        response.statusCode >= 400 && response.statusCode < 500,
        `${JSON.stringify(form)}: ${response.statusCode}`,
      )
    }
    const json = await admin.send(
      'POST',
      `/staff/chronicle/events/${a}/merge`,
      JSON.stringify({ _csrf: admin.csrf, from: { $gt: 0 } }),
      {
        'content-type': 'application/json',
      },
    )
    assert.ok(json.statusCode >= 400 && json.statusCode < 500)
    assert.equal((await admin.post(`/staff/chronicle/events/${a}/unmerge`, { x: '\u0000' })).statusCode, 409)
    for (const query of ['?from=%00', `?from=${'9'.repeat(30)}`, '?from[]=1', '?from=__proto__'])
      assert.ok((await admin.get(`/staff/chronicle/events/${a}/merge${query}`)).statusCode < 500, query)
    assert.equal((await admin.get(`/staff/chronicle/events/${'9'.repeat(30)}/duplicates`)).statusCode, 404)
    assert.equal(await merges(), before)
  })

  it('refuses an unknown role in an invitation and changes nothing', async () => {
    const before = await count('invites')
    const response = await admin.post('/staff/invites', { roles: ['lawyer', 'superuser'] })
    assert.equal(response.statusCode, 400)
    assert.equal(await count('invites'), before)
  })

  it('keeps an admin from removing their own admin role', async () => {
    const self = await t.store.db
      .selectFrom('user_roles')
      .select('user_id')
      .where('role', '=', 'admin')
      .executeTakeFirstOrThrow()
    const response = await admin.send(
      'POST',
      `/staff/users/${self.user_id}/roles?_method=PUT`,
      `_csrf=${admin.csrf}&roles=lawyer`,
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    )
    assert.equal(response.statusCode, 409)
    const left = await t.store.db
      .selectFrom('user_roles')
      .select('role')
      .where('user_id', '=', self.user_id)
      .execute()
    assert.deepEqual(
      left.map((row) => row.role),
      ['admin'],
    )
  })

  it('sends only local paths as the place to go after sign-in', async () => {
    const editor = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    for (const next of ['https://evil.example/', '//evil.example/', '/\\evil.example']) {
      const visitor = agent(t.app)
      await visitor.get('/login')
      const response = await visitor.post('/login', { email: editor.email, password: editor.password, next })
      assert.equal(response.headers.location, '/staff', next)
    }
  })

  it('answers a repeated next parameter with the page, not a crash', async () => {
    const response = await agent(t.app).get('/login?next=/a&next=/b')
    assert.equal(response.statusCode, 200)
    assert.match(response.body, /name="next" value="\/staff"/)
  })

  it('never redirects or links to another host through the language switch', async () => {
    for (const path of ['//evil.example/', '/\\evil.example/', '///evil.example/']) {
      const response = await agent(t.app).get(`${path}?lang=en`)
      assert.equal(response.statusCode, 303, path)
      assert.match(String(response.headers.location), /^\/(?![/\\])/, path)
    }
    const page = await agent(t.app).get('//evil.example/')
    assert.doesNotMatch(page.body, /href="\/\//)
  })

  it('saves repeated roles once', async () => {
    const target = await createStaff(t.store.db, { roles: ['volunteer'] })
    const response = await admin.send(
      'POST',
      `/staff/users/${target.id}/roles?_method=PUT`,
      `_csrf=${admin.csrf}&roles=lawyer&roles=lawyer`,
      { 'content-type': 'application/x-www-form-urlencoded' },
    )
    assert.equal(response.statusCode, 303)
    const roles = await t.store.db
      .selectFrom('user_roles')
      .select('role')
      .where('user_id', '=', target.id)
      .execute()
    assert.deepEqual(
      roles.map((row) => row.role),
      ['lawyer'],
    )
  })

  it('answers a URL that cannot be decoded with 400 and the strict headers', async () => {
    const response = await t.app.inject('/%')
    assert.equal(response.statusCode, 400)
    assert.match(String(response.headers['content-security-policy']), /default-src 'none'/)
    assert.equal(response.headers['cache-control'], 'no-store')
  })

  it('refuses a bad code before new recovery codes or a passkey with a 4xx, changing nothing', async () => {
    const staff = await createStaff(t.store.db, { roles: ['lawyer'] })
    const session = await signIn(t.app, staff)
    await session.get('/account')
    const codes = () =>
      t.store.db.selectFrom('recovery_codes').selectAll().where('user_id', '=', staff.id).execute()
    const before = await codes()
    for (const code of ['x'.repeat(41), 'abc\u0000def', 'ab\u202Ecd', '']) {
      const response = await session.post('/account/recovery-codes', { code })
      assert.ok([400, 401].includes(response.statusCode), `${JSON.stringify(code)}: ${response.statusCode}`)
      assert.match(response.body, /Type the current code|wrong or was already used/)
    }
    for (const body of [{ code: 123456 }, { code: ['1', '2'] }, { code: 'x'.repeat(41) }, 'not json']) {
      const response = await session.send('POST', '/account/passkeys/options', JSON.stringify(body), {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-csrf-token': session.csrf,
      })
      assert.equal(response.statusCode, 400, JSON.stringify(body))
      assert.equal(response.json().error.code, 'ERR_REAUTH_MISSING')
    }
    assert.deepEqual(await codes(), before)
  })

  it('gives JSON callers their errors as JSON', async () => {
    const response = await admin.send('POST', '/account/passkeys', JSON.stringify({ response: 'nonsense' }), {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-csrf-token': admin.csrf,
    })
    assert.equal(response.statusCode, 400)
    assert.equal(response.json().error.code, 'ERR_PASSKEY_FAILED')
  })
})
