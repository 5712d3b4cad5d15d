/**
 * The dashboard's first steps: on a fresh install the administrator sees each installed module's steps,
 * ticked as they get done and gone once all are; a member sees only the steps their roles can take.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { createStaff, signIn, type TestStaff } from '../../../test/support/factories.ts'
import { helpdeskWith } from '../helpdesk/testing/desk-setup.ts'

let t: TestApp
let admin: TestStaff

before(async () => {
  t = await testApp()
  admin = await createStaff(t.store.db, { roles: ['admin'] })
})
after(() => t.close())

// Each step as "done"/"to do" and its link, in the order shown; empty when the list is not shown.
function steps(page: string): string[] {
  const list = /<ol class="checklist">([\s\S]*?)<\/ol>/.exec(page)?.[1] ?? ''
  return [...list.matchAll(/<li[^>]*><span class="tag \w+">([^<]+)<\/span> <a href="([^"]+)"/g)].map(
    (match) => `${match[1]} ${match[2]}`,
  )
}

test('a fresh install shows the administrator the first steps, each ticked once done, the list gone when all are', async () => {
  const visitor = await signIn(t.app, admin)
  const fresh = (await visitor.get('/staff')).body
  assert.match(fresh, /First steps/)
  assert.deepEqual(steps(fresh), [
    'to do /staff/chronicle/vocabularies',
    'to do /staff/helpdesk/desks',
    'to do /staff/users',
  ])

  // A desk with only an administrator's colleague who is no lawyer: it can receive, but no lawyer is on it.
  const coordinator = await createStaff(t.store.db, { roles: ['coordinator'] })
  const deskId = await helpdeskWith(t.store.db, admin.id, [coordinator.id])
  assert.deepEqual(steps((await visitor.get('/staff')).body), [
    'to do /staff/chronicle/vocabularies',
    'done /staff/helpdesk/desks',
    'to do /staff/users',
  ])

  const lawyer = await createStaff(t.store.db, { roles: ['lawyer'] })
  await t.store.db.insertInto('desk_members').values({ desk_id: deskId, user_id: lawyer.id }).execute()
  assert.deepEqual(steps((await visitor.get('/staff')).body), [
    'to do /staff/chronicle/vocabularies',
    'done /staff/helpdesk/desks',
    'done /staff/users',
  ])

  // A term proposed and waiting is not "checked"; deciding it is.
  const [term] = await t.store.db
    .updateTable('vocab_terms')
    .set({ status: 'proposed', proposed_by: admin.id })
    .where('code', '=', 'picket')
    .returning('id')
    .execute()
  assert.equal(steps((await visitor.get('/staff')).body)[0], 'to do /staff/chronicle/vocabularies')
  await t.store.db
    .updateTable('vocab_terms')
    .set({ status: 'approved', decided_by: admin.id })
    .where('id', '=', term!.id)
    .execute()
  const done = (await visitor.get('/staff')).body
  assert.deepEqual(steps(done), [])
  assert.doesNotMatch(done, /First steps/)
})

test('a member sees only the first steps their roles can take', async () => {
  const fresh = await testApp()
  try {
    const editor = await createStaff(fresh.store.db, { roles: ['editor'] })
    const lawyer = await createStaff(fresh.store.db, { roles: ['lawyer'] })
    const asEditor = await signIn(fresh.app, editor)
    assert.deepEqual(steps((await asEditor.get('/staff')).body), ['to do /staff/chronicle/vocabularies'])
    const asLawyer = await signIn(fresh.app, lawyer)
    assert.doesNotMatch((await asLawyer.get('/staff')).body, /First steps/)
  } finally {
    await fresh.close()
  }
})
