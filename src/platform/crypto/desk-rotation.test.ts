import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { keyHolder } from '../../../test/support/factories.ts'
import { disableAccount } from '../auth/account-state.ts'
import type { Db } from '../db/database.ts'
import { beginRotation, findRotation, rotateBatch, rotationRunner } from './desk-rotation.ts'
import { CryptoError } from './primitives.ts'
import {
  addDeskMember,
  createDesk,
  type KeyHolder,
  openRecord,
  removeDeskMember,
  SealedError,
  sealRecord,
} from './sealed-records.ts'
import { openContent, unwrapKey } from './sealed-support.ts'

let store: TestStore
let db: Db
let admin: KeyHolder

before(async () => {
  store = await testStore()
  db = store.db
  admin = await makeUser('admin')
})
after(() => store.close())

const makeUser = (name: string) => keyHolder(db, name)

/** A desk with `members` on it and `count` records sealed to them; returns the desk and record ids. */
async function deskWith(members: KeyHolder[], count: number) {
  const deskId = await createDesk(db, { slug: `desk-${randomUUID()}`, name: 'Help desk' })
  for (const member of members)
    await addDeskMember(db, { deskId, userId: member.userId, actorId: admin.userId })
  const records: string[] = []
  for (let i = 0; i < count; i++) records.push(await seal(deskId, `report ${i}`))
  return { deskId, records }
}

const seal = (deskId: string, text: string) =>
  sealRecord(db, { deskId, kind: 'report', content: Buffer.from(text) })

const wrapsOf = async (userId: string) =>
  db.selectFrom('record_keys').select(['record_id', 'wrapped_key']).where('user_id', '=', userId).execute()

const keyOf = async (recordId: string, holder: KeyHolder) => {
  const row = await db
    .selectFrom('record_keys')
    .select('wrapped_key')
    .where('record_id', '=', recordId)
    .where('user_id', '=', holder.userId)
    .executeTakeFirstOrThrow()
  return unwrapKey(row.wrapped_key, { id: recordId, format: 2 }, holder)
}

// The record key in a wrap `holder` kept, as it was when they kept it.
const keptKeyOf = (wrapped: Buffer, recordId: string, holder: KeyHolder) =>
  unwrapKey(wrapped, { id: recordId, format: 2 }, holder)

const ciphertextOf = async (recordId: string) =>
  (
    await db
      .selectFrom('sealed_records')
      .select('ciphertext')
      .where('id', '=', recordId)
      .executeTakeFirstOrThrow()
  ).ciphertext

const read = async (recordId: string, reader: KeyHolder) =>
  (await openRecord(db, { recordId, reader })).toString()

const rotations = async (recordId: string) =>
  (
    await db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'sealed.rotate')
      .where('target', '=', recordId)
      .execute()
  ).length

// What a process that died leaves behind: a heartbeat that stopped more than a minute ago.
const killHeartbeat = (rotationId: string) =>
  db
    .updateTable('desk_rotations')
    .set({ heartbeat_at: sql<Date>`now() - interval '2 minutes'` })
    .where('id', '=', rotationId)
    .execute()

describe('rotating a desk', () => {
  test('after a rotation a key a departed member kept opens nothing, and every current member opens every record', async () => {
    const [alice, bob, mallory] = [await makeUser('alice'), await makeUser('bob'), await makeUser('mallory')]
    const { deskId, records } = await deskWith([alice, bob, mallory], 7)
    // Mallory copies her wrapped keys out of the database before she is removed.
    const kept = await wrapsOf(mallory.userId)
    assert.equal(kept.length, 7)
    await removeDeskMember(db, { deskId, userId: mallory.userId, actorId: admin.userId })
    assert.deepEqual(await wrapsOf(mallory.userId), [], 'removal deleted her key rows')
    for (const { record_id, wrapped_key } of kept) {
      // Until the rotation, what she kept is the record's key.
      assert.ok(keptKeyOf(wrapped_key, record_id, mallory).equals(await keyOf(record_id, alice)))
    }

    const runner = rotationRunner(db, { batchSize: 3 })
    const started = await runner.start(deskId, alice)
    assert.equal(started.outcome, 'started')
    await runner.settled()

    const rotation = await findRotation(db, deskId, started.id)
    assert.equal(rotation?.state, 'finished')
    assert.equal(rotation?.total, 7)
    assert.equal(rotation?.done, 7)
    for (const { record_id, wrapped_key } of kept) {
      const keptKey = keptKeyOf(wrapped_key, record_id, mallory)
      assert.ok(!keptKey.equals(await keyOf(record_id, alice)), 'the record has a new key')
      assert.ok(!keptKey.equals(await keyOf(record_id, bob)), 'the record has a new key')
      const ciphertext = await ciphertextOf(record_id)
      assert.throws(
        () => openContent({ id: record_id, deskId, kind: 'report', format: 2, ciphertext }, keptKey),
        CryptoError,
        'what she kept no longer opens the record',
      )
    }
    for (const [i, recordId] of records.entries()) {
      assert.equal(await read(recordId, alice), `report ${i}`)
      assert.equal(await read(recordId, bob), `report ${i}`)
    }
    const left = await db.selectFrom('desk_rotation_records').select('record_id').execute()
    assert.deepEqual(left, [])
    const finished = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'desk.rotation_finished')
      .where('target', '=', deskId)
      .executeTakeFirstOrThrow()
    assert.deepEqual(JSON.parse(JSON.stringify(finished.detail)), {
      deskId,
      rotationId: started.id,
      done: 7,
      unopened: 0,
    })
  })

  test("a disabled member's wraps are gone, and a rotation leaves what they kept opening nothing", async () => {
    const [alice, mallory] = [await makeUser('alice'), await makeUser('mallory')]
    const { deskId } = await deskWith([alice, mallory], 3)
    const kept = await wrapsOf(mallory.userId)
    await disableAccount(db, { userId: mallory.userId, actorId: admin.userId })
    assert.deepEqual(await wrapsOf(mallory.userId), [])
    const runner = rotationRunner(db)
    await runner.start(deskId, alice)
    await runner.settled()
    for (const { record_id, wrapped_key } of kept) {
      assert.ok(!keptKeyOf(wrapped_key, record_id, mallory).equals(await keyOf(record_id, alice)))
    }
    // Nothing was wrapped to the disabled account again.
    assert.deepEqual(await wrapsOf(mallory.userId), [])
  })

  test('records sealed after the rotation started are skipped: they are sealed to the current members', async () => {
    const [alice, bob] = [await makeUser('alice'), await makeUser('bob')]
    const { deskId, records } = await deskWith([alice, bob], 4)
    const started = await beginRotation(db, deskId, alice.userId)
    const later = await seal(deskId, 'sealed during the rotation')
    const before = await ciphertextOf(later)
    while ((await rotateBatch(db, started.id, deskId, alice, 3)) === 'more') {}
    const rotation = await findRotation(db, deskId, started.id)
    assert.deepEqual([rotation?.state, rotation?.total, rotation?.done], ['finished', 4, 4])
    assert.ok((await ciphertextOf(later)).equals(before), 'the later record was not touched')
    assert.equal(await rotations(later), 0)
    for (const recordId of records) assert.equal(await rotations(recordId), 1)
  })

  test('an interrupted rotation shows as such and resumes, without re-keying a record twice', async () => {
    const [alice, bob] = [await makeUser('alice'), await makeUser('bob')]
    const { deskId, records } = await deskWith([alice, bob], 5)
    const started = await beginRotation(db, deskId, alice.userId)
    assert.equal(await rotateBatch(db, started.id, deskId, alice, 2), 'more')
    assert.equal((await findRotation(db, deskId, started.id))?.state, 'running')
    await killHeartbeat(started.id)
    const interrupted = await findRotation(db, deskId, started.id)
    assert.deepEqual([interrupted?.state, interrupted?.done], ['interrupted', 2])

    // Anyone on the desk can carry on with their own key; it is the same rotation.
    const runner = rotationRunner(db, { batchSize: 2 })
    const resumed = await runner.start(deskId, bob)
    assert.deepEqual(resumed, { id: started.id, outcome: 'resumed' })
    await runner.settled()
    const rotation = await findRotation(db, deskId, started.id)
    assert.deepEqual([rotation?.state, rotation?.total, rotation?.done], ['finished', 5, 5])
    for (const [i, recordId] of records.entries()) {
      assert.equal(await rotations(recordId), 1, 'each record once')
      assert.equal(await read(recordId, alice), `report ${i}`)
    }
  })

  test('runs one rotation per desk at a time', async () => {
    const [alice, bob] = [await makeUser('alice'), await makeUser('bob')]
    const { deskId } = await deskWith([alice, bob], 2)
    const first = await beginRotation(db, deskId, alice.userId)
    assert.deepEqual(await beginRotation(db, deskId, bob.userId), { id: first.id, outcome: 'running' })
    await assert.rejects(
      db
        .insertInto('desk_rotations')
        .values({
          desk_id: deskId,
          started_by: bob.userId,
          state: 'running',
          total: 0,
          started_at: new Date(0),
        })
        .execute(),
      /desk_rotations_one_running/,
    )
  })

  test('only an enabled member can rotate, and a rotator who leaves stops it', async () => {
    const [alice, bob, outsider] = [
      await makeUser('alice'),
      await makeUser('bob'),
      await makeUser('outsider'),
    ]
    const { deskId } = await deskWith([alice, bob], 3)
    for (const who of [outsider, bob]) {
      if (who === bob) await disableAccount(db, { userId: bob.userId, actorId: admin.userId })
      await assert.rejects(
        beginRotation(db, deskId, who.userId),
        (error: unknown) => error instanceof SealedError && error.code === 'ERR_NOT_DESK_MEMBER',
      )
    }
    const started = await beginRotation(db, deskId, alice.userId)
    assert.equal(await rotateBatch(db, started.id, deskId, alice, 1), 'more')
    await removeDeskMember(db, { deskId, userId: alice.userId, actorId: admin.userId })
    assert.equal(await rotateBatch(db, started.id, deskId, alice, 1), 'stopped')
    assert.equal((await findRotation(db, deskId, started.id))?.state, 'stopped')
  })

  test("leaves records the rotator can't open as they were, and counts them", async () => {
    const [alice, carol] = [await makeUser('alice'), await makeUser('carol')]
    const { deskId, records } = await deskWith([alice], 2)
    await addDeskMember(db, { deskId, userId: carol.userId, actorId: admin.userId })
    const runner = rotationRunner(db)
    const started = await runner.start(deskId, carol)
    await runner.settled()
    const rotation = await findRotation(db, deskId, started.id)
    assert.deepEqual([rotation?.state, rotation?.done, rotation?.unopened], ['finished', 0, 2])
    for (const recordId of records) assert.match(await read(recordId, alice), /^report/)
  })

  test("works on its own copy of the rotator's key pair, leaving the caller's as it was", async () => {
    const [alice] = [await makeUser('alice')]
    const { deskId } = await deskWith([alice], 1)
    const privateKey = Buffer.from(alice.keyPair.privateKey)
    const runner = rotationRunner(db)
    await runner.start(deskId, alice)
    await runner.settled()
    assert.ok(alice.keyPair.privateKey.equals(privateKey))
  })
})
