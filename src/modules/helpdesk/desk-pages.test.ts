import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Agent, agent } from '../../../test/support/agent.ts'
import type { TestApp } from '../../../test/support/app.ts'
import { createStaff, signIn, type TestStaff } from '../../../test/support/factories.ts'
import { addMessage } from './commands/add-message.ts'
import { appWithDesk } from './testing/desk-setup.ts'
import { repeatedIds, sendDetained, shownReceipt } from './testing/forms.ts'

let t: TestApp
let admin: TestStaff
let lawyer: TestStaff
let deskId: string
let desk: Agent
let coordinator: Agent

before(async () => {
  ;({
    t,
    admin,
    deskId,
    members: [lawyer],
  } = await appWithDesk(['lawyer', 'coordinator']))
  desk = await signIn(t.app, lawyer)
  coordinator = await signIn(t.app, admin)
})
after(() => t.close())

// The reports made so far: the newest is the one not among them.
const known: string[] = ['00000000-0000-4000-8000-000000000000']

/** A detention reported in `language`; its id and receipt. */
async function reported(language: string, answers: Record<string, string | string[]>) {
  const sent = await sendDetained(agent(t.app, language), answers)
  assert.equal(sent.statusCode, 201)
  const { id } = await t.store.db
    .selectFrom('helpdesk_reports')
    .select('id')
    .orderBy('received_at', 'desc')
    .orderBy('id')
    .where('id', 'not in', known)
    .executeTakeFirstOrThrow()
  known.push(id)
  return { id, receipt: shownReceipt(sent.body) }
}

/** The writer's page a receipt opens, in `language`. */
async function writerPage(receipt: string, language: string) {
  const writer = agent(t.app, language)
  await writer.get('/help/report')
  const page = await writer.post('/help/report', { receipt })
  assert.equal(page.statusCode, 200)
  return page.body
}

/** A page in another language, for the same member. */
async function inLanguage(member: Agent, url: string, language: string) {
  await member.get(`/help?lang=${language}`)
  const page = await member.get(url)
  await member.get('/help?lang=en')
  return page
}

describe('a thread', () => {
  it("shows a writer's message after the desk's earlier reply, with its ten-minute window", async () => {
    const { id, receipt } = await reported('ru', { who: 'Ivan' })
    await addMessage(t.store.db, {
      reportId: id,
      author: 'desk',
      authorId: lawyer.id,
      text: 'Lawyer on the way',
      now: new Date('2026-12-05T14:21:00Z'),
    })
    // Kept as 14:20, the start of its window: earlier than the reply it answers.
    await addMessage(t.store.db, {
      reportId: id,
      author: 'writer',
      authorId: null,
      text: 'Thank you',
      now: new Date('2026-12-05T14:24:00Z'),
    })
    for (const page of [
      (await inLanguage(desk, `/staff/helpdesk/reports/${id}`, 'ru')).body,
      await writerPage(receipt, 'ru'),
    ]) {
      const thread = /<ol class="thread">([\s\S]*?)<\/ol>/.exec(page)![1]!
      const [reply, answer] = thread.split('</li>')
      assert.match(reply!, /14:21/)
      assert.match(reply!, /Lawyer on the way/)
      assert.match(answer!, /Thank you/)
      assert.match(answer!, /14:20–14:30/, "the writer's time is its window")
    }
  })

  it('keeps what people wrote escaped, in a block kept with its line breaks', async () => {
    const { id, receipt } = await reported('en', { who: 'Anna', details: '<b>first</b>\nsecond' })
    await desk.post(`/staff/helpdesk/reports/${id}/messages`, { text: '<i>reply</i>\nline', author: 'desk' })
    await desk.post(`/staff/helpdesk/reports/${id}/messages`, { text: '<i>note</i>\nline', author: 'note' })
    // The blocks of text people wrote, unescaped once: each is in one, as typed.
    const blocks = (page: string) => {
      assert.doesNotMatch(page, /<[bi]>/, 'nothing written is markup')
      return [...page.matchAll(/class="text">([^<]*)</g)].map((match) =>
        match[1]!.replaceAll('&#60;', '<').replaceAll('&#62;', '>'),
      )
    }
    const page = blocks((await desk.get(`/staff/helpdesk/reports/${id}`)).body)
    for (const text of ['<b>first</b>\nsecond', '<i>reply</i>\nline', '<i>note</i>\nline'])
      assert.ok(page.includes(text), text)
    const own = blocks(await writerPage(receipt, 'en'))
    for (const text of ['<b>first</b>\nsecond', '<i>reply</i>\nline']) assert.ok(own.includes(text), text)
  })
})

describe("a report's status", () => {
  it('closed without an outcome comes back with the error at the outcome and the status chosen', async () => {
    const { id } = await reported('en', { who: 'Oleg' })
    const path = `/staff/helpdesk/reports/${id}`
    await desk.get(path)
    const refused = await desk.post(`${path}/status`, { status: 'closed', outcome: '' })
    assert.equal(refused.statusCode, 400)
    const page = refused.body
    const summary = page.indexOf('class="error-summary"')
    const replyForm = page.indexOf(`action="${path}/messages"`)
    const statusForm = page.indexOf(`action="${path}/status"`)
    assert.ok(summary > replyForm && summary < statusForm, 'the error summary is at the status form')
    assert.equal(page.split('class="error-summary"').length, 2, 'one summary')
    assert.match(page, /<a href="#field-outcome">Outcome: Choose an outcome/)
    assert.match(page, /<span class="field-error" id="field-outcome-error">Choose an outcome/)
    assert.match(
      page,
      /id="field-outcome" name="outcome" aria-invalid="true" aria-describedby="[^"]*field-outcome-error/,
    )
    const status = /<select id="field-status"[\s\S]*?<\/select>/.exec(page)![0]
    assert.match(status, /<option value="closed" selected>/, 'the status chosen is kept')
    assert.doesNotMatch(status, /value="new" selected/)
  })
})

describe('words, not codes', () => {
  it("shows the writer's region by its name in the page's language", async () => {
    const { receipt } = await reported('en', { who: 'Petr', region: 'RU-MOW' })
    const en = await writerPage(receipt, 'en')
    assert.match(en, /<dd class="text">Moscow<\/dd>/)
    const ru = await writerPage(receipt, 'ru')
    assert.match(ru, /<dd class="text">Москва<\/dd>/)
    for (const page of [en, ru]) assert.ok(!page.includes('RU-MOW'))
  })

  it("shows members' roles by their names", async () => {
    const { body } = await coordinator.get(`/staff/helpdesk/desks/${deskId}`)
    assert.match(body, /<td>Lawyer<\/td>/)
    assert.match(body, /<td>Coordinator<\/td>/)
    assert.doesNotMatch(body, /<td>(lawyer|coordinator)<\/td>/)
  })
})

describe('the audit log', () => {
  const rowsSince = async (since: number) =>
    (await t.store.db.selectFrom('audit_log').select(['id', 'action']).orderBy('id').execute()).slice(since)
  const count = async () => (await t.store.db.selectFrom('audit_log').select('id').execute()).length

  it('has one entry for a report opened, whatever its thread', async () => {
    const { id } = await reported('en', { who: 'Vera' })
    for (const text of ['one', 'two', 'three'])
      await addMessage(t.store.db, { reportId: id, author: 'writer', authorId: null, text })
    const before = await count()
    const page = await desk.get(`/staff/helpdesk/reports/${id}`)
    assert.match(page.body, /three/)
    const rows = await rowsSince(before)
    assert.deepEqual(
      rows.map((row) => row.action),
      ['sealed.read_many'],
    )
  })

  it('has one entry for a reply, a note and a change of status', async () => {
    const { id } = await reported('en', { who: 'Gleb' })
    const path = `/staff/helpdesk/reports/${id}`
    await desk.get(path)
    for (const [action, form] of [
      ['messages', { text: 'hello', author: 'desk' }],
      ['messages', { text: 'hmm', author: 'note' }],
      ['status', { status: 'waiting', outcome: '' }],
    ] as const) {
      const before = await count()
      assert.equal((await desk.post(`${path}/${action}`, form)).statusCode, 303)
      assert.equal((await rowsSince(before)).length, 1, `${action} ${JSON.stringify(form)}`)
    }
  })
})

describe('the desk settings page', () => {
  it('has no element id twice, so a label ticks the box of its own form', async () => {
    await createStaff(t.store.db, { roles: ['lawyer'] })
    const page = await coordinator.get(`/staff/helpdesk/desks/${deskId}`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /action="[^"]*\/members"/, 'the form to add a member is there')
    assert.deepEqual(repeatedIds(page.body), [])
    // Sent back with errors in either form, still none twice.
    const member = await coordinator.post(`/staff/helpdesk/desks/${deskId}/members`, {
      user: '',
      regions: '999999',
    })
    assert.equal(member.statusCode, 400)
    assert.deepEqual(repeatedIds(member.body), [])
    const settings = await coordinator.post(`/staff/helpdesk/desks/${deskId}/settings`, {
      retentionDays: '0',
      regions: '999999',
    })
    assert.equal(settings.statusCode, 400)
    assert.deepEqual(repeatedIds(settings.body), [])
  })
})

describe('a report made into an event', () => {
  it("puts the writer's words in the language they wrote in, not the page's", async () => {
    const { id } = await reported('ru', {
      who: 'Анна',
      details: 'Задержали у метро',
      publishFacts: 'yes',
      consentBy: 'self',
    })
    const page = (await desk.get(`/staff/helpdesk/reports/${id}/convert`)).body
    const value = (name: string) =>
      new RegExp(`name="${name}"[^>]*>([^<]*)</textarea>`).exec(page)?.[1] ??
      new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(page)?.[1]
    assert.match(value('summary_ru') ?? '', /Задержали у метро/)
    assert.equal(value('summary_en') ?? '', '')
    assert.equal(value('title_en') ?? '', '')
    assert.ok(value('title_ru'), 'the title is in the same language')
  })
})
