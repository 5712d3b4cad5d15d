import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Agent, agent } from '../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { createStaff, signIn, type TestStaff } from '../../../test/support/factories.ts'
import { addWorker } from './commands/add-worker.ts'
import { openHelpdesk } from './commands/open-helpdesk.ts'
import { formToken, reportCount, sendDetained, shownReceipt } from './testing/forms.ts'

let t: TestApp
let lawyer: TestStaff
let otherLawyer: TestStaff
let deskId: string

before(async () => {
  t = await testApp()
  const admin = await createStaff(t.store.db, { roles: ['admin'] })
  lawyer = await createStaff(t.store.db, { roles: ['lawyer'] })
  otherLawyer = await createStaff(t.store.db, { roles: ['lawyer'] })
  deskId = await openHelpdesk(t.store.db, {
    slug: 'moscow',
    name: 'Moscow',
    takesRest: true,
    regionIds: [],
    retentionDays: 90,
    actorId: admin.id,
  })
  await addWorker(t.store.db, { deskId, userId: lawyer.id, actorId: admin.id })
  const otherDesk = await openHelpdesk(t.store.db, {
    slug: 'elsewhere',
    name: 'Elsewhere',
    takesRest: false,
    regionIds: [],
    retentionDays: 30,
    actorId: admin.id,
  })
  await addWorker(t.store.db, { deskId: otherDesk, userId: otherLawyer.id, actorId: admin.id })
})
after(() => t.close())

describe('a detention reported, answered and closed', () => {
  const who = 'Ivan Petrov, 24, green jacket'
  let receipt = ''
  let reportId = ''
  const writer = () => agent(t.app, 'en')
  let desk: Agent

  it('takes a report with JavaScript off and gives a receipt only once it is stored', async () => {
    const someone = writer()
    const response = await sendDetained(someone, {
      who,
      station: 'OVD Tverskoy',
      needs: ['lawyer', 'medicine'],
      details: 'Needs insulin',
      publishFacts: 'yes',
    })
    assert.equal(response.statusCode, 201)
    assert.equal(response.headers['cache-control'], 'no-store')
    receipt = shownReceipt(response.body)
    const row = await t.store.db.selectFrom('helpdesk_reports').selectAll().executeTakeFirstOrThrow()
    reportId = row.id
    assert.equal(row.desk_id, deskId)
    assert.equal(row.urgency, 'urgent')
    assert.equal(row.category, 'detention')
    assert.equal(row.received_at.getTime() % 600_000, 0, 'the time is kept to 10 minutes')
  })

  it('makes one report of a form sent twice, and shows the same receipt again', async () => {
    const someone = writer()
    const form = await someone.get('/help/detained')
    const token = formToken(form.body)
    const first = await someone.post('/help/detained', { token, who: 'Double click' })
    const second = await someone.post('/help/detained', { token, who: 'Double click' })
    assert.equal(first.statusCode, 201)
    assert.equal(second.statusCode, 200)
    assert.equal(shownReceipt(second.body), shownReceipt(first.body))
    assert.match(second.body, /already been sent/)
    assert.equal(await reportCount(t.store.db), 2)
  })

  it('opens the report with the receipt typed loosely: small letters, spaces, Cyrillic look-alikes', async () => {
    const typed = receipt.toLowerCase().replaceAll('-', ' ').replaceAll('a', 'а')
    const someone = writer()
    await someone.get('/help/report')
    const page = await someone.post('/help/report', { receipt: typed })
    assert.equal(page.statusCode, 200)
    assert.ok(page.body.includes(who))
    assert.match(page.body, /No answer yet/)
  })

  it('shows the report to a lawyer of its desk, decrypted, and audits the read', async () => {
    desk = await signIn(t.app, lawyer)
    const queue = await desk.get('/staff/helpdesk')
    assert.equal(queue.statusCode, 200)
    assert.ok(queue.body.includes(`/staff/helpdesk/reports/${reportId}`))
    const page = await desk.get(`/staff/helpdesk/reports/${reportId}`)
    assert.equal(page.statusCode, 200)
    assert.ok(page.body.includes(who))
    assert.ok(page.body.includes('OVD Tverskoy'))
    const reads = await t.store.db
      .selectFrom('audit_log')
      .select('target')
      .where('action', '=', 'sealed.read_many')
      .where('actor_id', '=', lawyer.id)
      .execute()
    assert.deepEqual(
      reads.map((read) => read.target),
      [`helpdesk.report:${reportId}`],
    )
  })

  it('hides it from a lawyer of another desk as if it did not exist', async () => {
    const other = await signIn(t.app, otherLawyer)
    assert.equal((await other.get(`/staff/helpdesk/reports/${reportId}`)).statusCode, 404)
    const queue = await other.get('/staff/helpdesk')
    assert.ok(!queue.body.includes(reportId))
    const missing = await other.get('/staff/helpdesk/reports/00000000-0000-4000-8000-000000000000')
    assert.equal(missing.statusCode, 404)
  })

  it('replies with a template; the writer reads the reply with the receipt and answers', async () => {
    const filled = await desk.get(`/staff/helpdesk/reports/${reportId}?template=at_the_station`)
    assert.match(filled.body, /Article 51/)
    const sent = await desk.post(`/staff/helpdesk/reports/${reportId}/messages`, {
      text: 'A lawyer is on the way. Article 51.',
      author: 'desk',
    })
    assert.equal(sent.statusCode, 303)
    await desk.post(`/staff/helpdesk/reports/${reportId}/messages`, {
      text: 'Internal: called station',
      author: 'note',
    })
    const row = await t.store.db
      .selectFrom('helpdesk_reports')
      .select(['status', 'assignee_id'])
      .where('id', '=', reportId)
      .executeTakeFirstOrThrow()
    assert.deepEqual(row, { status: 'in_progress', assignee_id: lawyer.id })

    const someone = writer()
    await someone.get('/help/report')
    const page = await someone.post('/help/report', { receipt })
    assert.match(page.body, /A lawyer is on the way\. Article 51\./)
    assert.ok(!page.body.includes('Internal: called station'), 'notes stay on the desk')
    const answered = await someone.post('/help/report/reply', {
      receipt,
      token: formToken(page.body),
      message: 'He was moved to OVD Arbat',
    })
    assert.equal(answered.statusCode, 200)
    assert.match(answered.body, /Your message has been sent/)
    const again = await someone.post('/help/report/reply', {
      receipt,
      token: formToken(page.body),
      message: 'He was moved to OVD Arbat',
    })
    assert.match(again.body, /already been sent/)
    const lawyerView = await desk.get(`/staff/helpdesk/reports/${reportId}`)
    assert.equal(lawyerView.body.split('He was moved to OVD Arbat').length - 1, 1)
  })

  it('closes only with an outcome', async () => {
    const refused = await desk.post(`/staff/helpdesk/reports/${reportId}/status`, {
      status: 'closed',
      outcome: '',
    })
    assert.equal(refused.statusCode, 400)
    assert.match(refused.body, /Choose an outcome/)
    const closed = await desk.post(`/staff/helpdesk/reports/${reportId}/status`, {
      status: 'closed',
      outcome: 'helped',
    })
    assert.equal(closed.statusCode, 303)
    const row = await t.store.db
      .selectFrom('helpdesk_reports')
      .select(['status', 'outcome'])
      .where('id', '=', reportId)
      .executeTakeFirstOrThrow()
    assert.deepEqual(row, { status: 'closed', outcome: 'helped' })
  })
})
