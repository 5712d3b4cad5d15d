import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { type Agent, agent } from '../../../test/support/agent.ts'
import type { TestApp } from '../../../test/support/app.ts'
import { createStaff, signIn, type TestStaff } from '../../../test/support/factories.ts'
import { unwrapKey } from '../../platform/crypto/sealed-support.ts'
import { appWithDesk, helpdeskWith } from './testing/desk-setup.ts'
import { sendDetained } from './testing/forms.ts'

let t: TestApp
let admin: TestStaff
let coordinator: TestStaff
let lawyer: TestStaff
let leaver: TestStaff
let outsider: TestStaff
let deskId = ''
let deskPath = ''
// Each person signs in once: a TOTP code can't be used twice.
const agents = new Map<string, Agent>()
async function as(staff: TestStaff): Promise<Agent> {
  if (!agents.has(staff.id)) agents.set(staff.id, await signIn(t.app, staff))
  return agents.get(staff.id)!
}

before(async () => {
  ;({
    t,
    admin,
    members: [coordinator, lawyer, leaver],
    deskId,
  } = await appWithDesk(['coordinator', 'lawyer', 'volunteer']))
  outsider = await createStaff(t.store.db, { roles: ['coordinator'] })
  deskPath = `/staff/helpdesk/desks/${deskId}`
  for (const who of ['first', 'second', 'third']) {
    assert.equal((await sendDetained(agent(t.app, 'en'), { who })).statusCode, 201)
  }
})
after(() => t.close())

const db = () => t.store.db
const keysOf = async (userId: string) =>
  db().selectFrom('record_keys').select(['record_id', 'wrapped_key']).where('user_id', '=', userId).execute()
const rotationCount = async () => (await db().selectFrom('desk_rotations').select('id').execute()).length

/** Follows a rotation's progress page, as its meta refresh would, until it stops refreshing. */
async function waitForEnd(staff: Agent, path: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const page = await staff.get(`${path}?follow=1`)
    assert.equal(page.statusCode, 200)
    if (!page.body.includes('http-equiv="refresh"')) return page.body
    await sleep(50)
  }
  throw new Error('the rotation did not end')
}

describe('removing or disabling a member', () => {
  let kept: { record_id: string; wrapped_key: Buffer }[] = []

  it('deletes every key of an account disabled on the people page', async () => {
    kept = await keysOf(leaver.id)
    assert.equal(kept.length, 3)
    const people = await as(admin)
    await people.get(`/staff/users/${leaver.id}/disable`)
    assert.equal((await people.post(`/staff/users/${leaver.id}/disable`)).statusCode, 303)
    assert.deepEqual(await keysOf(leaver.id), [])
  })

  it('refuses to give a disabled member access to earlier reports, saying why, and changes nothing', async () => {
    const desk = await as(coordinator)
    const page = await desk.get(deskPath)
    assert.ok(!page.body.includes(`/members/${leaver.id}/regrant`), 'no button for a disabled member')
    const refused = await desk.post(`${deskPath}/members/${leaver.id}/regrant`)
    assert.equal(refused.statusCode, 409)
    assert.match(refused.body, /account is disabled, so they can.{1,6}t be given access/)
    assert.match(refused.body, /ERR_GRANTEE_DISABLED/)
    assert.deepEqual(await keysOf(leaver.id), [])
    // The same refusal in Russian.
    await desk.get('/staff?lang=ru')
    const russian = await desk.post(`${deskPath}/members/${leaver.id}/regrant`)
    assert.equal(russian.statusCode, 409)
    assert.match(russian.body, /Аккаунт этого участника отключён/)
    await desk.get('/staff?lang=en')
  })

  it('re-keys the desk from its page without JavaScript, so what the departed member kept opens nothing', async () => {
    const desk = await as(coordinator)
    const page = await desk.get(deskPath)
    assert.match(page.body, new RegExp(`href="${deskPath}/rotate"`))
    const confirm = await desk.get(`${deskPath}/rotate`)
    assert.equal(confirm.statusCode, 200)
    assert.match(confirm.body, /can.{1,6}t take back what they already read or copied/)
    assert.match(
      confirm.body,
      new RegExp(`<form method="post" action="${deskPath}/rotate"><input type="hidden" name="_csrf"`),
    )
    const started = await desk.post(`${deskPath}/rotate`)
    assert.equal(started.statusCode, 303)
    const progress = String(started.headers.location)
    assert.match(progress, new RegExp(`^${deskPath}/rotations/[0-9a-f-]{36}$`))
    const done = await waitForEnd(desk, progress)
    assert.match(done, /3 of 3 records re-keyed/)
    assert.match(done, /Done\. Every record you could open/)
    assert.doesNotMatch(done, /<script/)

    for (const { record_id, wrapped_key } of kept) {
      const keptKey = unwrapKey(
        wrapped_key,
        { id: record_id, format: 2 },
        { userId: leaver.id, keyPair: leaver.keyPair },
      )
      for (const member of [coordinator, lawyer]) {
        const row = await db()
          .selectFrom('record_keys')
          .select('wrapped_key')
          .where('record_id', '=', record_id)
          .where('user_id', '=', member.id)
          .executeTakeFirstOrThrow()
        const holder = { userId: member.id, keyPair: member.keyPair }
        assert.ok(
          !unwrapKey(row.wrapped_key, { id: record_id, format: 2 }, holder).equals(keptKey),
          'a new key',
        )
      }
    }
    // The current members still read every report.
    const reports = await db().selectFrom('helpdesk_reports').select('id').execute()
    const reader = await as(lawyer)
    for (const report of reports) {
      const shown = await reader.get(`/staff/helpdesk/reports/${report.id}`)
      assert.match(shown.body, /first|second|third/)
    }
    // The desk page tells how the last re-keying went.
    assert.match((await desk.get(deskPath)).body, /Last re-keying: done, 3 of 3 records/)
  })
})

describe('the progress page', () => {
  const insertRotation = async (heartbeat: string) => {
    const row = await db()
      .insertInto('desk_rotations')
      .values({
        desk_id: deskId,
        started_by: coordinator.id,
        state: 'running',
        total: 3,
        done: 1,
        started_at: new Date(0),
        heartbeat_at: sql<Date>`now() - ${heartbeat}::interval`,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return `${deskPath}/rotations/${row.id}`
  }

  it('refreshes itself with a meta refresh, with no script, while the work runs and its reader follows it', async () => {
    const path = await insertRotation('0 seconds')
    const staff = await as(coordinator)
    const unasked = await staff.get(path)
    assert.doesNotMatch(unasked.body, /http-equiv="refresh"/)
    assert.match(unasked.body, /\?follow=1"/)
    const page = await staff.get(`${path}?follow=1`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /<meta http-equiv="refresh" content="5">/)
    assert.doesNotMatch(page.body, /<script/)
    assert.match(page.body, /1 of 3 records re-keyed/)
    await db().deleteFrom('desk_rotations').where('state', '=', 'running').execute()
  })

  it('shows a rotation whose process died as interrupted, and carries it on when asked', async () => {
    const path = await insertRotation('2 minutes')
    const desk = await as(coordinator)
    const page = await desk.get(path)
    assert.match(page.body, /stopped before it finished/)
    assert.doesNotMatch(page.body, /http-equiv="refresh"/)
    assert.match(page.body, new RegExp(`action="${deskPath}/rotate"`))
    const resumed = await desk.post(`${deskPath}/rotate`)
    assert.equal(resumed.headers.location, path, 'the same rotation, carried on')
    assert.match(await waitForEnd(desk, path), /Done\./)
  })
})

describe('who may re-key, and hostile input', () => {
  it('offers re-keying on the desk page to coordinators, not to admins', async () => {
    assert.doesNotMatch((await (await as(admin)).get(deskPath)).body, /\/rotate"/)
  })

  it('refuses a coordinator who is not on the desk, saying why, and starts nothing', async () => {
    const stranger = await as(outsider)
    const confirm = await stranger.get(`${deskPath}/rotate`)
    assert.match(confirm.body, /Only a member of this desk can re-key its records/)
    assert.doesNotMatch(confirm.body, /<form method="post" action="[^"]*\/rotate"/)
    const before = await rotationCount()
    const refused = await stranger.post(`${deskPath}/rotate`)
    assert.equal(refused.statusCode, 409)
    assert.match(refused.body, /ERR_ROTATION_NOT_MEMBER/)
    assert.equal(await rotationCount(), before)
  })

  it('refuses a start without a CSRF token and starts nothing', async () => {
    const before = await rotationCount()
    const response = await (await as(coordinator)).post(`${deskPath}/rotate`, {}, { csrf: null })
    assert.equal(response.statusCode, 403)
    assert.equal(await rotationCount(), before)
  })

  it('answers 404 for malformed, unknown and other desks’ ids, never a 500', async () => {
    const desk = await as(coordinator)
    const other = await helpdeskWith(db(), admin.id, [coordinator.id], 'other')
    const mine = await db()
      .selectFrom('desk_rotations')
      .select('id')
      .where('desk_id', '=', deskId)
      .executeTakeFirstOrThrow()
    for (const path of [
      `${deskPath}/rotations/not-a-uuid`,
      `${deskPath}/rotations/00000000-0000-4000-8000-000000000000`,
      `${deskPath}/rotations/'%20OR%201=1--`,
      `/staff/helpdesk/desks/${other}/rotations/${mine.id}`,
      '/staff/helpdesk/desks/not-a-uuid/rotate',
    ]) {
      assert.equal((await desk.get(path)).statusCode, 404, path)
    }
    const before = await rotationCount()
    assert.equal((await desk.post('/staff/helpdesk/desks/not-a-uuid/rotate')).statusCode, 404)
    assert.equal(
      (await desk.post('/staff/helpdesk/desks/00000000-0000-4000-8000-000000000000/rotate')).statusCode,
      404,
    )
    assert.equal(await rotationCount(), before)
  })
})
