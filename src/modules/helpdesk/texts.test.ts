import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Agent, agent } from '../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { createStaff, signIn } from '../../../test/support/factories.ts'
import { findText, textHistory, textRecord } from '../../platform/texts/texts.ts'
import { helpdeskWith } from './testing/desk-setup.ts'
import { sendDetained } from './testing/forms.ts'

let t: TestApp
let anna: Agent
let boris: Agent
let annaId: string

before(async () => {
  t = await testApp()
  const first = await createStaff(t.store.db, { roles: ['coordinator'] })
  annaId = first.id
  anna = await signIn(t.app, first)
  boris = await signIn(t.app, await createStaff(t.store.db, { roles: ['admin'] }))
})
after(() => t.close())

const base = '/staff/helpdesk/texts'
const shownVersion = (page: string) => /name="version" value="(\d+)"/.exec(page)?.[1]
const current = async (name: string) => (await findText(t.store.db, `helpdesk.${name}`))!

// The edit form as a browser sends it: every field as shown, then `changes`.
async function editForm(editor: Agent, name: string, changes: Record<string, string>) {
  const page = await editor.get(`${base}/${name}`)
  assert.equal(page.statusCode, 200)
  const text = await current(name)
  return { ...textRecord(text), version: shownVersion(page.body)!, ...changes }
}

describe('the help desk texts editor', () => {
  it('lists the desk texts with when and by whom they last changed', async () => {
    const page = await anna.get(base)
    assert.equal(page.statusCode, 200)
    for (const name of [
      'Guide: know your rights',
      'Guide: a checklist for relatives',
      'Where else to turn',
      'When to expect an answer',
    ])
      assert.ok(page.body.includes(name), name)
    assert.match(page.body, /set when the site was installed or updated/)
  })

  it('saves an edit, shows it on the public page, and keeps it in the history with before and after', async () => {
    const form = await editForm(anna, 'rights', { body_en: 'Say nothing. **Ask for a lawyer.**' })
    const saved = await anna.post(`${base}/rights`, form)
    assert.equal(saved.statusCode, 303)
    assert.equal(saved.headers.location, `${base}?saved=rights`)
    assert.match((await anna.get(saved.headers.location!)).body, /Saved: Guide: know your rights/)
    const text = await current('rights')
    assert.equal(text.updatedBy, annaId)
    const visitor = agent(t.app, 'en')
    const guide = await visitor.get('/help/rights')
    assert.equal(guide.statusCode, 200)
    assert.match(guide.body, /<article class="guide" lang="en"><h1>Your rights if you are detained<\/h1>/)
    assert.match(guide.body, /<p>Say nothing\. <strong>Ask for a lawyer\.<\/strong><\/p>/)
    const history = await anna.get(`${base}/rights/history`)
    assert.equal(history.statusCode, 200)
    assert.match(history.body, /Text \(English\)/)
    assert.match(history.body, /Say nothing\. \*\*Ask for a lawyer\.\*\*/)
    assert.equal((await textHistory(t.store.db, 'helpdesk.rights'))[0]!.changedBy, annaId)
  })

  it('refuses a save over a newer version with 409, keeping what the editor typed, and saves it on purpose after', async () => {
    const annas = await editForm(anna, 'relatives', { body_ru: 'Текст Анны' })
    const boriss = await editForm(boris, 'relatives', { body_ru: 'Текст Бориса' })
    assert.equal((await boris.post(`${base}/relatives`, boriss)).statusCode, 303)
    const refused = await anna.post(`${base}/relatives`, annas)
    assert.equal(refused.statusCode, 409)
    assert.match(refused.body, /Someone saved this text while you were editing it/)
    assert.match(refused.body, />Текст Анны<\/textarea>/, 'what Anna typed is in the form')
    assert.match(refused.body, /Текст Бориса/, 'what Boris saved is shown')
    assert.equal((await current('relatives')).bodies.ru, 'Текст Бориса')
    // The form on the conflict page carries the newest version: sending it again is a deliberate overwrite.
    const newest = shownVersion(refused.body)!
    assert.equal(Number(newest), (await current('relatives')).version)
    const again = await anna.post(`${base}/relatives`, { ...annas, version: newest })
    assert.equal(again.statusCode, 303)
    assert.equal((await current('relatives')).bodies.ru, 'Текст Анны')
  })

  it('answers hostile input with a translated 400 and changes nothing', async () => {
    const before = await current('contacts')
    const good = await editForm(anna, 'contacts', {})
    const cases: Record<string, string | string[]>[] = [
      { version: '' },
      { version: '0' },
      { version: '-1' },
      { version: '0x2' },
      { version: '1e3' },
      { version: ' 1' },
      { version: ['1', '2'] },
      { version: '99999999999' },
      { body_en: 'a\u0000b' },
      { body_en: 'evil \u202e txt' },
      { title_en: 'two\nlines' },
      { title_en: ['a', 'b'] },
      { body_en: 'x'.repeat(20_001) },
      { title_en: 'x'.repeat(201) },
    ]
    for (const hostile of cases) {
      const form: Record<string, string | string[]> = { ...good, ...hostile }
      const answer = await anna.post(`${base}/contacts`, form)
      assert.equal(answer.statusCode, 400, JSON.stringify(hostile).slice(0, 80))
      assert.match(answer.body, /class="error-summary"/)
      assert.doesNotMatch(answer.body, /validation\.|texts\./, 'messages are translated')
    }
    const missing = { ...good } as Record<string, string>
    delete missing.version
    assert.equal((await anna.post(`${base}/contacts`, missing)).statusCode, 400)
    assert.deepEqual(await current('contacts'), before)
  })

  it('answers 404 for a text that is not the desk’s', async () => {
    for (const name of ['nope', '__proto__', 'constructor', 'helpdesk.rights', 'rights%2F..', 'RIGHTS'])
      assert.equal((await anna.get(`${base}/${name}`)).statusCode, 404, name)
    assert.equal((await anna.post(`${base}/toString`, {})).statusCode, 404)
  })

  it('shows raw HTML and script links as text on the public page', async () => {
    const hostile =
      '<script>alert(1)</script> <img src=x onerror=alert(1)> [click](javascript:alert(1)) [ok](https://ovd.info)'
    const form = await editForm(anna, 'rights', { body_en: hostile, title_en: '<b>Rights</b>' })
    assert.equal((await anna.post(`${base}/rights`, form)).statusCode, 303)
    const guide = (await agent(t.app, 'en').get('/help/rights')).body
    assert.doesNotMatch(guide, /<script>alert|<img src=x|href="javascript:|<b>Rights/)
    assert.match(guide, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
    assert.match(guide, /<a href="https:\/\/ovd\.info">ok<\/a>/)
    assert.match(guide, /<h1>&#60;b&#62;Rights&#60;\/b&#62;<\/h1>/)
  })

  it('answers 404 for a guide cleared in every language', async () => {
    const cleared = await editForm(anna, 'relatives', { body_ru: '', body_uk: '', body_en: '' })
    assert.equal((await anna.post(`${base}/relatives`, cleared)).statusCode, 303)
    assert.equal((await agent(t.app, 'en').get('/help/relatives')).statusCode, 404)
  })
})

describe('the operator’s blocks on the public pages', () => {
  it('shows where else to turn and the reply time when no desk can take a report, and after sending', async () => {
    const visitor = agent(t.app, 'en')
    const closed = await visitor.get('/help')
    assert.match(closed.body, /Where else to turn/)
    assert.match(closed.body, /When we answer/)
    assert.match(closed.body, /href="\/help\/rights"/)
    const noDesk = await visitor.get('/help/detained')
    assert.equal(noDesk.statusCode, 503)
    assert.match(noDesk.body, /Where else to turn/)

    await helpdeskWith(t.store.db, annaId, [annaId], 'texts-desk')
    const open = await visitor.get('/help')
    assert.match(open.body, /href="\/help\/rights"/)
    assert.match(open.body, /href="\/help\/relatives"/)
    const form = await visitor.get('/help/legal')
    assert.match(form.body, /href="\/help\/rights"/)
    const receipt = await sendDetained(visitor, { who: 'Anna', place: 'Square' })
    assert.equal(receipt.statusCode, 201)
    assert.match(receipt.body, /When we answer/)
    assert.match(receipt.body, /Where else to turn/)
    assert.match(receipt.body, /href="\/help\/relatives"/)
  })

  it('shows nothing for a block the operator cleared', async () => {
    const form = await editForm(anna, 'contacts', {
      body_ru: '',
      body_uk: '',
      body_en: '',
      title_en: 'Where else to turn',
    })
    assert.equal((await anna.post(`${base}/contacts`, form)).statusCode, 303)
    const receipt = await sendDetained(agent(t.app, 'en'), { who: 'Boris', place: 'Square' })
    assert.equal(receipt.statusCode, 201)
    assert.match(receipt.body, /When we answer/)
    assert.doesNotMatch(receipt.body, /Where else to turn/)
    assert.equal((receipt.body.match(/class="message info"/g) ?? []).length, 1)
  })
})
