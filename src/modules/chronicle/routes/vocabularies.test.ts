import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Agent, agent } from '../../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { createStaff, signIn } from '../../../../test/support/factories.ts'
import type { Role } from '../../../platform/policy.ts'
import { proposeTerm } from '../../../platform/vocabularies/commands.ts'
import { termIndex } from '../../../platform/vocabularies/queries.ts'

const base = '/staff/chronicle/vocabularies'
let t: TestApp
const as: Partial<Record<Role, Agent>> = {}
let coordinatorId = ''

before(async () => {
  t = await testApp()
  for (const role of ['admin', 'editor', 'coordinator', 'lawyer', 'volunteer', 'treasurer'] as const) {
    const staff = await createStaff(t.store.db, { roles: [role] })
    if (role === 'coordinator') coordinatorId = staff.id
    as[role] = await signIn(t.app, staff)
  }
})
after(() => t.close())

const count = async () =>
  Number(
    (
      await t.store.db
        .selectFrom('vocab_terms')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

const proposal = (code: string, overrides: Record<string, string> = {}) => ({
  vocabulary: 'event_type',
  code,
  label_ru: 'Перформанс',
  label_uk: 'Перформанс',
  label_en: 'Performance',
  ...overrides,
})

const propose = (code: string) =>
  proposeTerm(
    t.store.db,
    { vocabulary: 'event_type', code, label_ru: 'Тест', label_en: 'Test', label_uk: 'Тест' },
    coordinatorId,
  )

describe('the vocabularies page', () => {
  it('lists every vocabulary with its labels in three languages, in the nav of editors', async () => {
    const page = await as.coordinator!.get(base)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /<a href="\/staff\/chronicle\/vocabularies" aria-current="page">/)
    assert.match(
      page.body,
      /<code>RU-TUL<\/code><\/th><td lang="ru">Тульская область<\/td><td lang="uk">Тульська область<\/td><td lang="en">Tula Oblast<\/td>/,
    )
    assert.match(page.body, /<code>koap-20\.3\.3<\/code>/)
    // Regions: 83 Russian federal subjects, 6 occupied territories of Ukraine and 2 of Georgia.
    assert.match(page.body, /91 approved terms/)
    assert.match(page.body, /249 approved terms/)
    const ru = await agent(t.app, 'ru').get(base)
    assert.notEqual(ru.statusCode, 200, 'a visitor who is not signed in does not see it')
  })

  it('is answered with 404 to roles without EDIT_CHRONICLE, and is not in their nav', async () => {
    for (const role of ['lawyer', 'volunteer', 'treasurer'] as const) {
      assert.equal((await as[role]!.get(base)).statusCode, 404, role)
      assert.doesNotMatch((await as[role]!.get('/staff')).body, /chronicle\/vocabularies/, role)
    }
  })
})

describe('proposing a term', () => {
  it('puts the term in the queue, unusable until approved', async () => {
    const before = await count()
    await as.coordinator!.get(base)
    const response = await as.coordinator!.post(`${base}/terms`, proposal('performance'))
    assert.equal(response.statusCode, 303)
    assert.equal(response.headers.location, `${base}?done=proposed#queue`)
    assert.equal(await count(), before + 1)
    assert.equal((await termIndex(t.store.db, { fresh: true })).id('event_type', 'performance'), undefined)
    const page = await as.coordinator!.get(`${base}?done=proposed`)
    assert.match(page.body, /role="status"/)
    assert.match(page.body, /<code>performance<\/code>/)
    assert.doesNotMatch(page.body, /\/approve"/, 'a coordinator sees the queue without decision buttons')
  })

  it('refuses a code already in the vocabulary, next to the field', async () => {
    const before = await count()
    await as.editor!.get(base)
    const response = await as.editor!.post(`${base}/terms`, proposal('protest'))
    assert.equal(response.statusCode, 409)
    assert.match(response.body, /field-code-error/)
    assert.equal(await count(), before)
  })

  const hostile: [string, Record<string, string | string[]>, string][] = [
    ['an oversized label', proposal('big', { label_ru: 'я'.repeat(10_000) }), 'label_ru'],
    ['broken UTF-8', proposal('broken', { label_uk: 'Пік\uFFFDет' }), 'label_uk'],
    ['a control character', proposal('ctrl', { label_en: 'Pick\u0000et' }), 'label_en'],
    ['SQL in the code', proposal("x'); DROP TABLE vocab_terms; --"), 'code'],
    ['markup in the code', proposal('<script>alert(1)</script>'), 'code'],
    ['a Cyrillic code', proposal('пикет'), 'code'],
    ['an unknown vocabulary', proposal('ok_code', { vocabulary: 'users' }), 'vocabulary'],
    ['an empty label', proposal('empty', { label_en: '   ' }), 'label_en'],
    ['CR and LF in a label', proposal('crlf', { label_en: 'Per\r\nformance' }), 'label_en'],
    ['a lone CR in a label', proposal('cr', { label_ru: 'Пер\rформанс' }), 'label_ru'],
    ['an overlong code', proposal('c'.repeat(41)), 'code'],
    // A byte order mark is dropped from any text (validation.ts); a direction override is refused.
    ['a right-to-left override in a label', proposal('bidi', { label_en: 'abc\u202Edef' }), 'label_en'],
    ['a repeated vocabulary', { ...proposal('twice'), vocabulary: ['event_type', 'region'] }, 'vocabulary'],
  ]
  for (const [what, form, field] of hostile) {
    it(`reports ${what} next to the field and changes nothing`, async () => {
      const before = await count()
      await as.editor!.get(base)
      const response = await as.editor!.post(`${base}/terms`, form)
      assert.equal(response.statusCode, 400)
      assert.match(response.body, new RegExp(`id="field-${field}-error"`))
      assert.doesNotMatch(response.body, /<script>alert/)
      assert.equal(await count(), before)
    })
  }

  it('reports raw bytes that are not UTF-8, and a body past the size limit, changing nothing', async () => {
    const before = await count()
    await as.editor!.get(base)
    const form = `_csrf=${as.editor!.csrf}&vocabulary=event_type&code=raw_bytes&label_en=x&label_uk=x&label_ru=`
    const raw = Buffer.concat([Buffer.from(form), Buffer.from([0xd0, 0xff, 0xfe, 0x41])])
    const headers = { 'content-type': 'application/x-www-form-urlencoded' }
    const bytes = await as.editor!.send('POST', `${base}/terms`, raw, headers)
    assert.equal(bytes.statusCode, 400)
    const escaped = await as.editor!.send('POST', `${base}/terms`, `${form}%D0%FF%FE`, headers)
    assert.equal(escaped.statusCode, 400)
    const huge = await as.editor!.post(`${base}/terms`, proposal('huge', { label_ru: 'я'.repeat(600_000) }))
    assert.equal(huge.statusCode, 413)
    assert.equal(await count(), before)
  })

  it('shows markup in a label as text, never as markup', async () => {
    await as.editor!.get(base)
    const response = await as.editor!.post(
      `${base}/terms`,
      proposal('markup', { label_en: '<img src=x onerror=alert(1)>' }),
    )
    assert.equal(response.statusCode, 303)
    const page = await as.editor!.get(base)
    assert.match(page.body, /&#60;img src&#61;x onerror&#61;alert\(1\)&#62;/)
    assert.doesNotMatch(page.body, /<img src=x/)
  })

  it('keeps a formula-looking label as typed and shows it as text', async () => {
    await as.editor!.get(base)
    const formula = '=HYPERLINK("http://evil.example/","click")'
    const response = await as.editor!.post(`${base}/terms`, proposal('formula', { label_en: formula }))
    assert.equal(response.statusCode, 303)
    const row = await t.store.db
      .selectFrom('vocab_terms')
      .select('labels')
      .where('code', '=', 'formula')
      .executeTakeFirstOrThrow()
    assert.equal((row.labels as { en: string }).en, formula)
    const page = await as.editor!.get(base)
    assert.match(page.body, /&#61;HYPERLINK\(&#34;http:\/\/evil\.example\/&#34;,&#34;click&#34;\)/)
  })

  it('refuses a form without its CSRF token', async () => {
    const before = await count()
    const response = await as.editor!.post(`${base}/terms`, proposal('no_csrf'), { csrf: null })
    assert.equal(response.statusCode, 403)
    assert.equal(await count(), before)
  })

  it('is refused to roles without EDIT_CHRONICLE', async () => {
    const before = await count()
    for (const role of ['lawyer', 'volunteer', 'treasurer'] as const) {
      await as[role]!.get('/staff')
      assert.equal((await as[role]!.post(`${base}/terms`, proposal(`by_${role}`))).statusCode, 404, role)
    }
    assert.equal(await count(), before)
  })
})

describe('deciding on a term', () => {
  it('lets an editor approve, after which the term is usable', async () => {
    const term = await propose('approved_by_editor')
    const page = await as.editor!.get(base)
    assert.match(page.body, new RegExp(`action="${base}/terms/${term.id}/approve"`))
    const response = await as.editor!.post(`${base}/terms/${term.id}/approve`)
    assert.equal(response.statusCode, 303)
    assert.equal((await termIndex(t.store.db)).id('event_type', 'approved_by_editor'), term.id)
    // Deciding twice is a conflict, with a message saying so.
    const again = await as.editor!.post(`${base}/terms/${term.id}/approve`)
    assert.equal(again.statusCode, 409)
    assert.match(again.body, /ERR_TERM_DECIDED/)
  })

  it('asks before rejecting, then rejects', async () => {
    const term = await propose('rejected_by_admin')
    const confirm = await as.admin!.get(`${base}/terms/${term.id}/reject`)
    assert.equal(confirm.statusCode, 200)
    assert.match(confirm.body, new RegExp(`<form method="post" action="${base}/terms/${term.id}/reject">`))
    const response = await as.admin!.post(`${base}/terms/${term.id}/reject`)
    assert.equal(response.statusCode, 303)
    const row = await t.store.db
      .selectFrom('vocab_terms')
      .select('status')
      .where('id', '=', term.id)
      .executeTakeFirst()
    assert.equal(row?.status, 'rejected')
    assert.equal((await termIndex(t.store.db)).id('event_type', 'rejected_by_admin'), undefined)
  })

  it('is answered with 404 to a coordinator, and the term stays proposed', async () => {
    const term = await propose('not_for_coordinators')
    await as.coordinator!.get(base)
    assert.equal((await as.coordinator!.post(`${base}/terms/${term.id}/approve`)).statusCode, 404)
    assert.equal((await as.coordinator!.get(`${base}/terms/${term.id}/reject`)).statusCode, 404)
    assert.equal((await as.coordinator!.post(`${base}/terms/${term.id}/reject`)).statusCode, 404)
    const row = await t.store.db
      .selectFrom('vocab_terms')
      .select('status')
      .where('id', '=', term.id)
      .executeTakeFirst()
    assert.equal(row?.status, 'proposed')
  })

  it('answers 404 for ids that are not terms, to approving, asking to reject and rejecting', async () => {
    await as.editor!.get(base)
    const before = await count()
    for (const id of ['999999', 'abc', '-1', '1e3', '99999999999999999999', '1;DROP TABLE vocab_terms']) {
      const path = `${base}/terms/${encodeURIComponent(id)}`
      assert.equal((await as.editor!.post(`${path}/approve`)).statusCode, 404, id)
      assert.equal((await as.editor!.get(`${path}/reject`)).statusCode, 404, id)
      assert.equal((await as.editor!.post(`${path}/reject`)).statusCode, 404, id)
    }
    assert.equal(await count(), before)
  })

  it('refuses a decision without its CSRF token, and a second decision, leaving the term as it was', async () => {
    const term = await propose('csrf_decision')
    const status = async () =>
      (
        await t.store.db
          .selectFrom('vocab_terms')
          .select('status')
          .where('id', '=', term.id)
          .executeTakeFirstOrThrow()
      ).status
    await as.editor!.get(base)
    for (const action of ['approve', 'reject']) {
      const response = await as.editor!.post(`${base}/terms/${term.id}/${action}`, {}, { csrf: null })
      assert.equal(response.statusCode, 403, action)
      assert.equal(await status(), 'proposed', action)
    }
    assert.equal((await as.editor!.post(`${base}/terms/${term.id}/reject`)).statusCode, 303)
    const approve = await as.editor!.post(`${base}/terms/${term.id}/approve`)
    assert.equal(approve.statusCode, 409)
    assert.match(approve.body, /already approved or rejected/)
    assert.equal((await as.editor!.get(`${base}/terms/${term.id}/reject`)).statusCode, 409)
    assert.equal(await status(), 'rejected')
  })
})
