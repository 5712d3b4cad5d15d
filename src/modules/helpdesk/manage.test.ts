import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Agent, agent } from '../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { createStaff, signIn, type TestStaff } from '../../../test/support/factories.ts'
import { sendDetained } from './testing/forms.ts'

let t: TestApp
let coordinator: TestStaff
let lawyer: TestStaff
let latecomer: TestStaff
// Each person signs in once: a TOTP code can't be used twice.
const agents = new Map<string, Agent>()
async function as(staff: TestStaff): Promise<Agent> {
  if (!agents.has(staff.id)) agents.set(staff.id, await signIn(t.app, staff))
  return agents.get(staff.id)!
}

before(async () => {
  t = await testApp()
  coordinator = await createStaff(t.store.db, { roles: ['coordinator'] })
  lawyer = await createStaff(t.store.db, { roles: ['lawyer'] })
  latecomer = await createStaff(t.store.db, { roles: ['volunteer'] })
})
after(() => t.close())

/** The sealed record of the report whose writer wrote `who`, as the coordinator can read it. */
async function contentOf(who: string): Promise<string | undefined> {
  const { openReport, reportOfMember } = await import('./queries/reports.ts')
  const rows = await t.store.db.selectFrom('helpdesk_reports').select(['id', 'content_id']).execute()
  for (const row of rows) {
    const report = await reportOfMember(t.store.db, row.id, coordinator.id)
    if (!report) continue
    const opened = await openReport(t.store.db, report, {
      userId: coordinator.id,
      keyPair: coordinator.keyPair,
    })
    if (opened.content?.form === 'detained' && opened.content.who === who) return row.content_id
  }
  return undefined
}

describe('setting up a help desk', () => {
  let deskPath = ''

  it('refuses a report while no desk can take it, storing nothing', async () => {
    const writer = agent(t.app, 'en')
    // The form is not offered (fresh-install.test.ts); one sent all the same is refused.
    assert.equal((await writer.get('/help/detained')).statusCode, 503)
    await writer.get('/help/report')
    const response = await writer.post('/help/detained', { who: 'Too early', token: 'A'.repeat(22) })
    assert.equal(response.statusCode, 503)
    assert.match(response.body, /Nothing you typed was stored/)
    const rows = await t.store.db.selectFrom('helpdesk_reports').select('id').execute()
    assert.deepEqual(rows, [])
  })

  it('opens a desk through the form, after refusing bad input', async () => {
    const desk = await as(coordinator)
    const list = await desk.get('/staff/helpdesk/desks')
    assert.match(list.body, /No help desk yet/)
    const bad = await desk.post('/staff/helpdesk/desks', {
      name: '<b>Moscow</b>',
      slug: 'Moscow Desk!',
      retentionDays: '0',
      regions: '999999',
    })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /small Latin letters/)
    assert.match(bad.body, /Give a number of days from 1 to 3650/)
    const opened = await desk.post('/staff/helpdesk/desks', {
      name: '<b>Moscow</b>',
      slug: 'moscow',
      retentionDays: '30',
      takesRest: 'yes',
    })
    assert.equal(opened.statusCode, 303)
    deskPath = String(opened.headers.location).split('?')[0]!
    const page = await desk.get(deskPath)
    assert.ok(page.body.includes('&#60;b&#62;Moscow&#60;/b&#62;'))
    assert.match(page.body, /No members yet/)
    const taken = await desk.post('/staff/helpdesk/desks', {
      name: 'Again',
      slug: 'moscow',
      retentionDays: '30',
    })
    assert.equal(taken.statusCode, 409)
  })

  it('adds members, whose keys then open new reports; a member gives a latecomer the earlier ones', async () => {
    const desk = await as(coordinator)
    await desk.get(deskPath)
    const added = await desk.post(`${deskPath}/members`, {
      user: lawyer.id,
      specialties: 'administrative, criminal',
    })
    assert.equal(added.statusCode, 303)
    await desk.get(deskPath)
    const self = await desk.post(`${deskPath}/members`, { user: coordinator.id, specialties: '' })
    assert.equal(self.statusCode, 303)
    const notStaff = await desk.post(`${deskPath}/members`, { user: '00000000-0000-4000-8000-000000000000' })
    assert.equal(notStaff.statusCode, 400)

    const sent = await sendDetained(agent(t.app, 'en'), { who: 'Before the latecomer' })
    assert.equal(sent.statusCode, 201)
    const report = await t.store.db.selectFrom('helpdesk_reports').select('id').executeTakeFirstOrThrow()

    await desk.get(deskPath)
    await desk.post(`${deskPath}/members`, { user: latecomer.id, specialties: '' })
    const late = await as(latecomer)
    const before = await late.get(`/staff/helpdesk/reports/${report.id}`)
    assert.equal(before.statusCode, 200)
    assert.match(before.body, /You joined the desk after this was written/)
    assert.ok(!before.body.includes('Before the latecomer'))

    await desk.get(deskPath)
    const regranted = await desk.post(`${deskPath}/members/${latecomer.id}/regrant`)
    assert.equal(regranted.statusCode, 303)
    assert.match(String(regranted.headers.location), /done=regranted&count=1/)
    const after = await late.get(`/staff/helpdesk/reports/${report.id}`)
    assert.ok(after.body.includes('Before the latecomer'))
  })

  it('asks before removing a member, then takes away every key they held', async () => {
    const desk = await as(coordinator)
    const confirm = await desk.get(`${deskPath}/members/${latecomer.id}/remove`)
    assert.equal(confirm.statusCode, 200)
    assert.match(confirm.body, /Their keys to all of the desk.{1,6}s reports are deleted/)
    const removed = await desk.post(`${deskPath}/members/${latecomer.id}/remove`)
    assert.equal(removed.statusCode, 303)
    const keys = await t.store.db
      .selectFrom('record_keys')
      .select('record_id')
      .where('user_id', '=', latecomer.id)
      .execute()
    assert.deepEqual(keys, [])
    const late = await as(latecomer)
    const report = await t.store.db.selectFrom('helpdesk_reports').select('id').executeTakeFirstOrThrow()
    assert.equal((await late.get(`/staff/helpdesk/reports/${report.id}`)).statusCode, 404)

    // The app had read the desk's recipients before the removal: the next report is not sealed to them.
    const sent = await sendDetained(agent(t.app, 'en'), { who: 'After the removal' })
    assert.equal(sent.statusCode, 201)
    const newest = await t.store.db
      .selectFrom('helpdesk_reports')
      .select('content_id')
      .orderBy('received_at', 'desc')
      .orderBy('id')
      .execute()
    const holders = await t.store.db
      .selectFrom('record_keys')
      .select('user_id')
      .where(
        'record_id',
        'in',
        newest.map((row) => row.content_id),
      )
      .execute()
    assert.ok(holders.length >= 2)
    assert.ok(holders.every((row) => row.user_id !== latecomer.id))
  })

  it('does not seal to a member whose account was disabled, though the app read the desk before', async () => {
    assert.equal((await sendDetained(agent(t.app, 'en'), { who: 'Before disabling' })).statusCode, 201)
    await t.store.db
      .updateTable('users')
      .set({ disabled_at: new Date() })
      .where('id', '=', lawyer.id)
      .execute()
    assert.equal((await sendDetained(agent(t.app, 'en'), { who: 'After disabling' })).statusCode, 201)
    const holders = async (who: string) =>
      (
        await t.store.db
          .selectFrom('record_keys')
          .select('user_id')
          .where('record_id', '=', (await contentOf(who))!)
          .execute()
      ).map((row) => row.user_id)
    assert.ok((await holders('Before disabling')).includes(lawyer.id))
    const after = await holders('After disabling')
    assert.ok(after.length >= 1 && !after.includes(lawyer.id))
  })
})
