import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { agent } from '../../../test/support/agent.ts'
import type { TestApp } from '../../../test/support/app.ts'
import { signIn, type TestStaff } from '../../../test/support/factories.ts'
import { groupReports, type SurgeReport, stationKey } from './queries/surge.ts'
import { appWithDesk } from './testing/desk-setup.ts'
import { repeatedIds, sendDetained } from './testing/forms.ts'

describe('station keys', () => {
  it('match the same station however it is written', () => {
    const keys = [
      'ОВД «Тверской»',
      'овд тверской',
      'Отдел полиции по району Тверской',
      'ОМВД России по Тверскому',
    ].map(stationKey)
    assert.equal(keys[0], 'тверской')
    assert.equal(keys[1], 'тверской')
    assert.equal(keys[2], 'тверской')
    assert.notEqual(
      keys[3],
      'тверской',
      'a different word form stays apart: better two groups than one wrong one',
    )
    assert.equal(stationKey('ОВД Хамовники'), 'хамовники')
    assert.equal(stationKey('OVD'), '')
  })
})

describe('grouping', () => {
  const at = (minutes: number) => new Date(Date.UTC(2024, 0, 21, 12, 0) + minutes * 60_000)
  const report = (
    id: string,
    station: string,
    minutes: number,
    groupId: string | null = null,
  ): SurgeReport => ({
    id,
    receivedAt: at(minutes),
    status: 'new',
    assigneeName: null,
    groupId,
    station,
    people: null,
  })

  it('groups one station within 3 hours, splits a later run, and keeps joined groups as they are', () => {
    const groups = groupReports([
      report('a', 'ОВД Тверской', 0),
      report('b', 'овд «тверской»', 60),
      report('c', 'ОВД Тверской', 150),
      report('d', 'ОВД Тверской', 600),
      report('e', 'ОВД Тверской', 640),
      report('f', 'ОВД Арбат', 10),
      report('g', '', 20),
      report('h', 'Anything', 30, 'joined-1'),
      report('i', 'Else', 500, 'joined-1'),
    ])
    const ids = groups.map((group) => group.reports.map((r) => r.id).join(''))
    // The largest first; of equal size, the earliest first.
    assert.deepEqual(ids, ['abc', 'hi', 'de'])
    assert.deepEqual(
      groups.map((group) => group.joined),
      [false, true, false],
    )
  })
})

describe('the surge view', () => {
  let t: TestApp
  let coordinator: TestStaff
  let lawyer: TestStaff

  before(async () => {
    ;({
      t,
      members: [coordinator, lawyer],
    } = await appWithDesk(['coordinator', 'lawyer']))
  })
  after(() => t.close())

  it('shows reports naming one station together; joined, they go to one lawyer at once', async () => {
    for (const station of ['ОВД «Тверской»', 'овд тверской', 'ОВД Тверской', 'ОВД Арбат'])
      assert.equal((await sendDetained(agent(t.app, 'en'), { station, who: 'Relative' })).statusCode, 201)
    const desk = await signIn(t.app, coordinator)
    const page = await desk.get('/staff/helpdesk/surge')
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /3 reports/)
    assert.ok(!page.body.includes('Арбат'))
    const audited = await t.store.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'sealed.read_many')
      .executeTakeFirstOrThrow()
    assert.ok(audited)

    const ids = [...page.body.matchAll(/name="report" value="([0-9a-f-]{36})"/g)].map((match) => match[1]!)
    assert.equal(ids.length, 3)
    const joined = await desk.post('/staff/helpdesk/surge/join', { report: ids })
    assert.equal(joined.statusCode, 303)
    assert.match(String(joined.headers.location), /done=joined/)
    const groups = await t.store.db
      .selectFrom('helpdesk_reports')
      .select('group_id')
      .where('id', 'in', ids)
      .execute()
    assert.equal(new Set(groups.map((row) => row.group_id)).size, 1)
    assert.ok(groups[0]!.group_id)

    await desk.get('/staff/helpdesk/surge')
    const assigned = await desk.post(`/staff/helpdesk/reports/${ids[0]}/assign`, { assignee: lawyer.id })
    assert.equal(assigned.statusCode, 303)
    const owners = await t.store.db
      .selectFrom('helpdesk_reports')
      .select('assignee_id')
      .where('id', 'in', ids)
      .execute()
    assert.deepEqual(
      owners.map((row) => row.assignee_id),
      [lawyer.id, lawyer.id, lawyer.id],
    )

    // Two joined groups, each with its form to give it to someone: no element id twice.
    assert.equal(
      (await sendDetained(agent(t.app, 'en'), { station: 'ОВД Арбат', who: 'Friend' })).statusCode,
      201,
    )
    const second = await desk.get('/staff/helpdesk/surge')
    const arbat = [...second.body.matchAll(/name="report" value="([0-9a-f-]{36})"/g)].map(
      (match) => match[1]!,
    )
    assert.equal(arbat.length, 2)
    await desk.post('/staff/helpdesk/surge/join', { report: arbat })
    const both = await desk.get('/staff/helpdesk/surge')
    assert.equal(both.body.split('name="assignee"').length - 1, 2)
    assert.deepEqual(repeatedIds(both.body), [])
  })

  it('joins nothing from another desk, or fewer than two', async () => {
    // The same person again, a code later: a TOTP code can't be used twice.
    const desk = await signIn(t.app, coordinator, 1)
    await desk.get('/staff/helpdesk/surge')
    const one = await desk.post('/staff/helpdesk/surge/join', {
      report: ['00000000-0000-4000-8000-000000000000'],
    })
    assert.match(String(one.headers.location), /done=notJoined/)
    const forged = await desk.post('/staff/helpdesk/surge/join', {
      report: ['00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000001', "' OR 1=1 --"],
    })
    assert.match(String(forged.headers.location), /done=notJoined/)
  })
})
