import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { createStaff, type TestStaff } from '../../../test/support/factories.ts'
import { addDeskMember, createDesk, sealRecord } from '../crypto/sealed-records.ts'
import type { Db } from '../db/database.ts'
import { disableAccount, enableAccount } from './account-state.ts'
import { startSession } from './sessions.ts'

let store: TestStore
let db: Db
let admin: TestStaff

before(async () => {
  store = await testStore()
  db = store.db
  admin = await createStaff(db, { roles: ['admin'], totp: false })
})
after(() => store.close())

const keysOf = async (userId: string) =>
  (await db.selectFrom('record_keys').select('record_id').where('user_id', '=', userId).execute()).length
const sessionsOf = async (userId: string) =>
  (await db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute()).length

describe('disabling an account', () => {
  test('deletes every key it held, on every desk, and every session, audited with counts only', async () => {
    const member = await createStaff(db, { roles: ['lawyer'], totp: false })
    const other = await createStaff(db, { roles: ['lawyer'], totp: false })
    for (const slug of ['north', 'south']) {
      const deskId = await createDesk(db, { slug, name: slug })
      for (const user of [member, other])
        await addDeskMember(db, { deskId, userId: user.id, actorId: admin.id })
      for (let i = 0; i < 2; i++) await sealRecord(db, { deskId, kind: 'report', content: Buffer.from(slug) })
    }
    await startSession(db, member.id, 'full', { privateKey: member.keyPair.privateKey.toString('base64') })
    assert.equal(await keysOf(member.id), 4)

    const disabled = await disableAccount(db, { userId: member.id, actorId: admin.id })
    assert.deepEqual(disabled, { sessionsEnded: 1, keysRemoved: 4 })
    assert.equal(await keysOf(member.id), 0)
    assert.equal(await sessionsOf(member.id), 0)
    assert.equal(await keysOf(other.id), 4, "other members' keys stay")
    const row = await db
      .selectFrom('audit_log')
      .select(['detail', 'actor_id'])
      .where('action', '=', 'account.disabled')
      .where('target', '=', member.id)
      .executeTakeFirstOrThrow()
    assert.equal(row.actor_id, admin.id)
    assert.deepEqual(JSON.parse(JSON.stringify(row.detail)), { sessionsEnded: 1, keysRemoved: 4 })
  })

  test('changes nothing when the transaction it runs in is rolled back', async () => {
    const member = await createStaff(db, { roles: ['lawyer'], totp: false })
    const deskId = await createDesk(db, { slug: 'rollback', name: 'rollback' })
    await addDeskMember(db, { deskId, userId: member.id, actorId: admin.id })
    await sealRecord(db, { deskId, kind: 'report', content: Buffer.from('x') })
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await disableAccount(trx, { userId: member.id, actorId: admin.id })
        throw new Error('rolled back')
      }),
      /rolled back/,
    )
    assert.equal(await keysOf(member.id), 1)
    const user = await db
      .selectFrom('users')
      .select('disabled_at')
      .where('id', '=', member.id)
      .executeTakeFirst()
    assert.equal(user?.disabled_at, null)
  })

  test('enabling the account again gives no key back', async () => {
    const member = await createStaff(db, { roles: ['lawyer'], totp: false })
    const deskId = await createDesk(db, { slug: 'again', name: 'again' })
    await addDeskMember(db, { deskId, userId: member.id, actorId: admin.id })
    await sealRecord(db, { deskId, kind: 'report', content: Buffer.from('x') })
    await disableAccount(db, { userId: member.id, actorId: admin.id })
    await enableAccount(db, { userId: member.id, actorId: admin.id })
    assert.equal(await keysOf(member.id), 0)
  })
})
