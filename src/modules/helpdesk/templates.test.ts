import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Agent, agent } from '../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { createStaff, signIn } from '../../../test/support/factories.ts'
import { helpdeskWith } from './testing/desk-setup.ts'
import { sendDetained } from './testing/forms.ts'

let t: TestApp
let coordinator: Agent
let coordinatorId: string

before(async () => {
  t = await testApp()
  const staff = await createStaff(t.store.db, { roles: ['coordinator'] })
  coordinatorId = staff.id
  coordinator = await signIn(t.app, staff)
})
after(() => t.close())

const base = '/staff/helpdesk/templates'
const filled = {
  code: 'court-tomorrow',
  title_ru: 'Суд завтра',
  body_ru: 'Суд назначен на завтра.\nЮрист придёт.',
  title_en: 'Court tomorrow',
  body_en: 'The hearing is tomorrow. A lawyer will be there.',
  title_uk: '',
  body_uk: '',
}

const rows = () => t.store.db.selectFrom('helpdesk_templates').selectAll().orderBy('id').execute()

describe('the reply template editor', () => {
  it('lists the seeded templates and adds one, in the languages filled in', async () => {
    const page = await coordinator.get(base)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /What to say at the police station/)
    const added = await coordinator.post(base, filled)
    assert.equal(added.statusCode, 303)
    assert.match(await (await coordinator.get(String(added.headers.location))).body, /The template was added/)
    const row = (await rows()).find((template) => template.code === 'court-tomorrow')!
    assert.deepEqual(row.titles, { ru: 'Суд завтра', en: 'Court tomorrow' })
    assert.deepEqual(row.bodies, { ru: 'Суд назначен на завтра.\nЮрист придёт.', en: filled.body_en })
  })

  it('refuses bad and hostile forms with a message beside the field, changing nothing', async () => {
    const before = await rows()
    const cases: [string, Record<string, string>, RegExp][] = [
      ['a bad code', { code: 'Court Tomorrow!' }, /2 to 40 small Latin letters/],
      ['a code taken', { code: 'at_the_station' }, /Another template has this code/],
      ['a title without a text', { code: 'x-one', body_en: '' }, /Write the text for this language/],
      [
        'a text without a title',
        { code: 'x-two', title_ru: '' },
        /Give this language&#39;s text a title|Give this language's text a title/,
      ],
      [
        'nothing filled in',
        { code: 'x-three', title_ru: '', body_ru: '', title_en: '', body_en: '' },
        /at least one language/,
      ],
      ['an oversized text', { code: 'x-four', body_en: 'x'.repeat(4001) }, /too long/i],
      ['a NUL byte', { code: 'x-five', title_en: 'Court\u0000' }, /characters/i],
      ['a bidi override', { code: 'x-six', title_en: 'Court \u202Eworromot' }, /direction|order/i],
      ['a missing field', { code: 'x-seven', body_uk: undefined as unknown as string }, /required|Fill in/i],
    ]
    for (const [name, change, message] of cases) {
      const form = Object.fromEntries(
        Object.entries({ ...filled, ...change }).filter(([, value]) => value !== undefined),
      )
      const response = await coordinator.post(base, form)
      assert.equal(response.statusCode, 400, name)
      assert.match(response.body, message, name)
    }
    assert.deepEqual(await rows(), before)
  })

  it('stores markup, SQL and formula text as they are and shows them escaped', async () => {
    const hostile = {
      ...filled,
      code: 'hostile',
      title_en: '<script>alert(1)</script>',
      body_en: '\'; DROP TABLE helpdesk_reports; -- =HYPERLINK("x")',
    }
    assert.equal((await coordinator.post(base, hostile)).statusCode, 303)
    const page = await coordinator.get(base)
    assert.ok(!page.body.includes('<script>alert(1)</script>'))
    assert.ok(page.body.includes('&#60;script&#62;alert(1)&#60;/script&#62;'))
    const row = (await rows()).find((template) => template.code === 'hostile')!
    assert.equal(row.bodies.en, hostile.body_en)
  })

  it('saves changes, and deletes only after asking', async () => {
    const row = (await rows()).find((template) => template.code === 'court-tomorrow')!
    const edit = await coordinator.get(`${base}/${row.id}`)
    assert.equal(edit.statusCode, 200)
    assert.match(edit.body, /value="Court tomorrow"/)
    const saved = await coordinator.post(`${base}/${row.id}`, {
      ...filled,
      title_uk: 'Суд завтра',
      body_uk: 'Суд завтра.',
    })
    assert.equal(saved.statusCode, 303)
    assert.equal((await rows()).find((template) => template.id === row.id)!.titles.uk, 'Суд завтра')
    const clash = await coordinator.post(`${base}/${row.id}`, { ...filled, code: 'at_the_station' })
    assert.equal(clash.statusCode, 400)

    const asked = await coordinator.get(`${base}/${row.id}/delete`)
    assert.match(asked.body, /Delete the template\?/)
    assert.ok(
      (await rows()).some((template) => template.id === row.id),
      'asking deletes nothing',
    )
    assert.equal((await coordinator.post(`${base}/${row.id}/delete`, {})).statusCode, 303)
    assert.ok(!(await rows()).some((template) => template.id === row.id))
    assert.equal((await coordinator.get(`${base}/${row.id}`)).statusCode, 404)
    assert.equal((await coordinator.get(`${base}/not-a-number`)).statusCode, 404)
    const audited = await t.store.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'helpdesk.template_%')
      .execute()
    assert.deepEqual(
      new Set(audited.map((row) => row.action)),
      new Set(['helpdesk.template_added', 'helpdesk.template_saved', 'helpdesk.template_deleted']),
    )
  })

  it('offers a template in a language it has when it lacks the reader’s and the writer’s', async () => {
    const admin = await createStaff(t.store.db, { roles: ['admin'] })
    await helpdeskWith(t.store.db, admin.id, [coordinatorId])
    assert.equal((await sendDetained(agent(t.app, 'en'), { who: 'Someone' })).statusCode, 201)
    const report = await t.store.db.selectFrom('helpdesk_reports').select('id').executeTakeFirstOrThrow()
    const russianOnly = { ...filled, code: 'ru-only', title_en: '', body_en: '' }
    assert.equal((await coordinator.post(base, russianOnly)).statusCode, 303)
    const page = await coordinator.get(`/staff/helpdesk/reports/${report.id}?template=ru-only`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /<option value="ru-only"[^>]*>Суд завтра<\/option>/)
    assert.match(page.body, /Суд назначен на завтра\.\nЮрист придёт\.<\/textarea>/)
  })
})
