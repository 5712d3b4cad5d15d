import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { keyHolder } from '../../../test/support/factories.ts'
import type { Db } from '../db/database.ts'
import {
  addDeskMember,
  createDesk,
  type KeyHolder,
  openRecord,
  openRecords,
  sealRecord,
} from './sealed-records.ts'

let store: TestStore
let db: Db
let alice: KeyHolder
let bob: KeyHolder
let deskId: string
let otherDeskId: string

before(async () => {
  store = await testStore()
  db = store.db
  alice = await makeUser('alice')
  bob = await makeUser('bob')
  deskId = await createDesk(db, { slug: `desk-${randomUUID()}`, name: 'Desk' })
  otherDeskId = await createDesk(db, { slug: `desk-${randomUUID()}`, name: 'Other desk' })
  for (const desk of [deskId, otherDeskId])
    for (const member of [alice, bob])
      await addDeskMember(db, { deskId: desk, userId: member.userId, actorId: alice.userId })
})

after(() => store.close())

const makeUser = (name: string) => keyHolder(db, name)

const seal = (text: string, desk = deskId, kind = 'report') =>
  sealRecord(db, { deskId: desk, kind, content: Buffer.from(text) })

const row = (id: string) =>
  db.selectFrom('sealed_records').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

const wrapOf = async (recordId: string, userId: string) =>
  (
    await db
      .selectFrom('record_keys')
      .select('wrapped_key')
      .where('record_id', '=', recordId)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow()
  ).wrapped_key

async function alerts(recordId: string): Promise<number> {
  const rows = await db
    .selectFrom('audit_log')
    .select('id')
    .where('action', '=', 'sealed.tampered')
    .where('target', '=', recordId)
    .execute()
  return rows.length
}

const tampered = { code: 'ERR_SEALED_TAMPERED' }

test('ciphertexts swapped between two records are refused, with an alert, for both', async () => {
  const [first, second] = [await seal('first'), await seal('second')]
  const [a, b] = [await row(first), await row(second)]
  await db.updateTable('sealed_records').set({ ciphertext: b.ciphertext }).where('id', '=', first).execute()
  await db.updateTable('sealed_records').set({ ciphertext: a.ciphertext }).where('id', '=', second).execute()
  await assert.rejects(openRecord(db, { recordId: first, reader: alice }), tampered)
  await assert.rejects(openRecord(db, { recordId: second, reader: bob }), tampered)
  assert.equal(await alerts(first), 1)
  assert.equal(await alerts(second), 1)
})

test("a record's wraps and ciphertext moved together onto another record are refused", async () => {
  const [source, target] = [await seal('the source'), await seal('the target')]
  const moved = await row(source)
  await db
    .updateTable('sealed_records')
    .set({ ciphertext: moved.ciphertext })
    .where('id', '=', target)
    .execute()
  await db
    .updateTable('record_keys')
    .set({ wrapped_key: await wrapOf(source, alice.userId) })
    .where('record_id', '=', target)
    .where('user_id', '=', alice.userId)
    .execute()
  await assert.rejects(openRecord(db, { recordId: target, reader: alice }), tampered)
})

test("one member's wrap given to another member is refused even when sealed to their key", async () => {
  // Someone who can write to the database can't open a wrap, but can copy one: it names its member.
  const recordId = await seal('for alice and bob')
  await db
    .updateTable('record_keys')
    .set({ wrapped_key: await wrapOf(recordId, alice.userId) })
    .where('record_id', '=', recordId)
    .where('user_id', '=', bob.userId)
    .execute()
  await assert.rejects(openRecord(db, { recordId, reader: bob }), tampered)
  assert.equal((await openRecord(db, { recordId, reader: alice })).toString(), 'for alice and bob')
})

test('a record moved to another desk or relabelled as another kind is refused', async () => {
  const moved = await seal('stays on its desk')
  await db.updateTable('sealed_records').set({ desk_id: otherDeskId }).where('id', '=', moved).execute()
  await assert.rejects(openRecord(db, { recordId: moved, reader: alice }), tampered)
  const relabelled = await seal('a note', deskId, 'note')
  await db.updateTable('sealed_records').set({ kind: 'report' }).where('id', '=', relabelled).execute()
  await assert.rejects(openRecord(db, { recordId: relabelled, reader: alice }), tampered)
})

test('a list read leaves a tampered record out, says so in the audit log, and shows the rest', async () => {
  const [good, bad] = [await seal('good'), await seal('bad')]
  await db.updateTable('sealed_records').set({ kind: 'note' }).where('id', '=', bad).execute()
  const opened = await openRecords(db, { recordIds: [good, bad], reader: alice, reason: 'test' })
  assert.deepEqual([...opened.keys()], [good])
  assert.equal(await alerts(bad), 1)
})
