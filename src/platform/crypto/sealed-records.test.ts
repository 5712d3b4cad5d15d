import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { keyHolder } from '../../../test/support/factories.ts'
import type { Db } from '../db/database.ts'
import { boxOpen, boxSeal, CryptoError, newKeyPair } from './primitives.ts'
import {
  addDeskMember,
  createDesk,
  type KeyHolder,
  openRecord,
  regrantDesk,
  removeDeskMember,
  rotateRecord,
  sealRecord,
  shredRecord,
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

after(async () => {
  await store.close()
})

const makeUser = (name: string) => keyHolder(db, name)

async function deskWith(...members: KeyHolder[]): Promise<string> {
  const deskId = await createDesk(db, { slug: `desk-${randomUUID()}`, name: 'Help desk' })
  for (const member of members)
    await addDeskMember(db, { deskId, userId: member.userId, actorId: admin.userId })
  return deskId
}

async function seal(deskId: string, text: string): Promise<string> {
  return sealRecord(db, { deskId, kind: 'report', content: Buffer.from(text) })
}

async function open(recordId: string, reader: KeyHolder): Promise<string> {
  return (await openRecord(db, { recordId, reader })).toString()
}

// A member's key pair changes the way a password reset changes it: a new pair, the public half stored.
async function resetKeyPair(member: KeyHolder): Promise<KeyHolder> {
  const keyPair = newKeyPair()
  await db
    .updateTable('users')
    .set({ public_key: keyPair.publicKey })
    .where('id', '=', member.userId)
    .execute()
  return { userId: member.userId, keyPair }
}

async function auditRows(action: string, target: string) {
  return db
    .selectFrom('audit_log')
    .select(['actor_id', 'detail'])
    .where('action', '=', action)
    .where('target', '=', target)
    .orderBy('id')
    .execute()
}

async function keyHolders(recordId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('record_keys')
    .select('user_id')
    .where('record_id', '=', recordId)
    .execute()
  return rows.map((row) => row.user_id).sort()
}

const notFound = { code: 'ERR_SEALED_NOT_FOUND' }

test('both members of a desk open what was sealed to it', async () => {
  const [alice, bob] = [await makeUser('alice'), await makeUser('bob')]
  const recordId = await seal(await deskWith(alice, bob), 'my brother was detained in Kursk')
  assert.equal(await open(recordId, alice), 'my brother was detained in Kursk')
  assert.equal(await open(recordId, bob), 'my brother was detained in Kursk')
})

test('a disabled member gets no key to records sealed after the account was disabled', async () => {
  const [alice, bob] = [await makeUser('alice'), await makeUser('bob')]
  const deskId = await deskWith(alice, bob)
  await db.updateTable('users').set({ disabled_at: new Date() }).where('id', '=', bob.userId).execute()
  const recordId = await seal(deskId, 'sealed after bob was disabled')
  assert.deepEqual(await keyHolders(recordId), [alice.userId])
  await assert.rejects(openRecord(db, { recordId, reader: bob }), notFound)
})

test('a non-member, a missing record and a malformed id all get ERR_SEALED_NOT_FOUND', async () => {
  const [alice, mallory] = [await makeUser('alice'), await makeUser('mallory')]
  const recordId = await seal(await deskWith(alice), 'secret')
  await assert.rejects(openRecord(db, { recordId, reader: mallory }), notFound)
  await assert.rejects(openRecord(db, { recordId: randomUUID(), reader: alice }), notFound)
  await assert.rejects(openRecord(db, { recordId: 'not-a-uuid', reader: alice }), notFound)
})

test('opening with the wrong private key is refused as tampered', async () => {
  const alice = await makeUser('alice')
  const recordId = await seal(await deskWith(alice), 'secret')
  const impostor = { userId: alice.userId, keyPair: newKeyPair() }
  await assert.rejects(openRecord(db, { recordId, reader: impostor }), { code: 'ERR_SEALED_TAMPERED' })
})

test('one changed byte of ciphertext is refused as tampered', async () => {
  const alice = await makeUser('alice')
  const recordId = await seal(await deskWith(alice), 'secret')
  const { ciphertext } = await db
    .selectFrom('sealed_records')
    .select('ciphertext')
    .where('id', '=', recordId)
    .executeTakeFirstOrThrow()
  ciphertext[ciphertext.length - 1]! ^= 1
  await db.updateTable('sealed_records').set({ ciphertext }).where('id', '=', recordId).execute()
  await assert.rejects(openRecord(db, { recordId, reader: alice }), { code: 'ERR_SEALED_TAMPERED' })
})

test('one changed byte of a wrapped key is refused as tampered', async () => {
  const alice = await makeUser('alice')
  const recordId = await seal(await deskWith(alice), 'secret')
  const mine = db
    .selectFrom('record_keys')
    .where('record_id', '=', recordId)
    .where('user_id', '=', alice.userId)
  const { wrapped_key } = await mine.select('wrapped_key').executeTakeFirstOrThrow()
  wrapped_key[10]! ^= 1
  await db
    .updateTable('record_keys')
    .set({ wrapped_key })
    .where('record_id', '=', recordId)
    .where('user_id', '=', alice.userId)
    .execute()
  await assert.rejects(openRecord(db, { recordId, reader: alice }), { code: 'ERR_SEALED_TAMPERED' })
})

test('a regrant after a member’s key pair changes restores their access and is audited', async () => {
  const [alice, bobBefore] = [await makeUser('alice'), await makeUser('bob')]
  const deskId = await deskWith(alice, bobBefore)
  const records = [await seal(deskId, 'first'), await seal(deskId, 'second')]
  const bob = await resetKeyPair(bobBefore)
  await assert.rejects(openRecord(db, { recordId: records[0]!, reader: bob }), {
    code: 'ERR_SEALED_TAMPERED',
  })

  assert.equal(await regrantDesk(db, { deskId, granter: alice, granteeId: bob.userId }), 2)
  assert.equal(await open(records[0]!, bob), 'first')
  assert.equal(await open(records[1]!, bob), 'second')
  const [entry] = await auditRows('sealed.regrant', deskId)
  assert.equal(entry?.actor_id, alice.userId)
  assert.deepEqual(entry?.detail, { deskId, granteeId: bob.userId, count: 2 })
})

test('a regrant passes on only what the granter can open, and only to a current member', async () => {
  const [aliceBefore, bob, outsider] = [
    await makeUser('alice'),
    await makeUser('bob'),
    await makeUser('outsider'),
  ]
  const deskId = await deskWith(aliceBefore, bob)
  await seal(deskId, 'sealed before alice reset her password')
  const alice = await resetKeyPair(aliceBefore)
  assert.equal(await regrantDesk(db, { deskId, granter: alice, granteeId: bob.userId }), 0)
  await assert.rejects(regrantDesk(db, { deskId, granter: bob, granteeId: outsider.userId }), {
    code: 'ERR_NOT_DESK_MEMBER',
  })
  await assert.rejects(regrantDesk(db, { deskId, granter: outsider, granteeId: bob.userId }), {
    code: 'ERR_NOT_DESK_MEMBER',
  })
})

test('a removed member can open neither old nor new records, nor be regranted', async () => {
  const [alice, bob] = [await makeUser('alice'), await makeUser('bob')]
  const deskId = await deskWith(alice, bob)
  const old = await seal(deskId, 'before removal')
  await removeDeskMember(db, { deskId, userId: bob.userId, actorId: admin.userId })
  const fresh = await seal(deskId, 'after removal')

  await assert.rejects(openRecord(db, { recordId: old, reader: bob }), notFound)
  await assert.rejects(openRecord(db, { recordId: fresh, reader: bob }), notFound)
  assert.deepEqual(await keyHolders(old), [alice.userId])
  assert.deepEqual(await keyHolders(fresh), [alice.userId])
  await assert.rejects(regrantDesk(db, { deskId, granter: alice, granteeId: bob.userId }), {
    code: 'ERR_NOT_DESK_MEMBER',
  })
  const [entry] = await auditRows('desk.member_removed', deskId)
  assert.deepEqual(entry?.detail, { deskId, userId: bob.userId, keysRemoved: 1 })
})

test('after rotation the old key no longer opens the record and current members still can', async () => {
  const [alice, bob] = [await makeUser('alice'), await makeUser('bob')]
  const deskId = await deskWith(alice, bob)
  const recordId = await seal(deskId, 'rotate me')
  const row = () =>
    db
      .selectFrom('sealed_records')
      .innerJoin('record_keys', 'record_keys.record_id', 'sealed_records.id')
      .select(['ciphertext', 'wrapped_key'])
      .where('id', '=', recordId)
      .where('user_id', '=', alice.userId)
      .executeTakeFirstOrThrow()
  const before = await row()
  const oldKey = unwrapKey(before.wrapped_key, { id: recordId, format: 2 }, alice)
  const stored = { id: recordId, deskId, kind: 'report', format: 2 }
  assert.equal(openContent({ ...stored, ciphertext: before.ciphertext }, oldKey).toString(), 'rotate me')

  await rotateRecord(db, { recordId, rotator: alice })
  const afterwards = await row()
  assert.notDeepEqual(afterwards.ciphertext, before.ciphertext)
  assert.throws(() => openContent({ ...stored, ciphertext: afterwards.ciphertext }, oldKey), CryptoError)
  assert.equal(await open(recordId, alice), 'rotate me')
  assert.equal(await open(recordId, bob), 'rotate me')
  assert.equal((await auditRows('sealed.rotate', recordId)).length, 1)
})

test('rotation wraps the new key to current members only, dropping any wrap that outlived its member', async () => {
  const [alice, bob, carol] = [await makeUser('alice'), await makeUser('bob'), await makeUser('carol')]
  const outsider = await makeUser('outsider')
  const deskId = await deskWith(alice, bob)
  const recordId = await seal(deskId, 'rotate me')
  await removeDeskMember(db, { deskId, userId: bob.userId, actorId: admin.userId })
  await addDeskMember(db, { deskId, userId: carol.userId, actorId: admin.userId })
  // A key row no membership accounts for, as a bug or a hand-edited database could leave behind.
  const { wrapped_key } = await db
    .selectFrom('record_keys')
    .select('wrapped_key')
    .where('record_id', '=', recordId)
    .executeTakeFirstOrThrow()
  const stray = boxSeal(boxOpen(wrapped_key, alice.keyPair), outsider.keyPair.publicKey)
  await db
    .insertInto('record_keys')
    .values({ record_id: recordId, user_id: outsider.userId, wrapped_key: stray })
    .execute()

  await rotateRecord(db, { recordId, rotator: alice })
  assert.deepEqual(await keyHolders(recordId), [alice.userId, carol.userId].sort())
  assert.equal(await open(recordId, carol), 'rotate me')
})

test('after shredding nobody can open the record and its rows are gone', async () => {
  const [alice, bob] = [await makeUser('alice'), await makeUser('bob')]
  const recordId = await seal(await deskWith(alice, bob), 'forget me')
  await shredRecord(db, { recordId, actorId: admin.userId })

  await assert.rejects(openRecord(db, { recordId, reader: alice }), notFound)
  await assert.rejects(openRecord(db, { recordId, reader: bob }), notFound)
  assert.deepEqual(await keyHolders(recordId), [])
  const records = await db.selectFrom('sealed_records').select('id').where('id', '=', recordId).execute()
  assert.deepEqual(records, [])
  assert.equal((await auditRows('sealed.shred', recordId)).length, 1)
  await assert.rejects(shredRecord(db, { recordId, actorId: admin.userId }), notFound)
})

test('the database holds neither the content nor the record key in clear', async () => {
  const alice = await makeUser('alice')
  const content = Buffer.from(`plaintext-marker-${randomUUID()}`)
  const recordId = await sealRecord(db, { deskId: await deskWith(alice), kind: 'report', content })
  await openRecord(db, { recordId, reader: alice, reason: 'triage' })
  const { wrapped_key } = await db
    .selectFrom('record_keys')
    .select('wrapped_key')
    .where('record_id', '=', recordId)
    .executeTakeFirstOrThrow()
  const recordKey = unwrapKey(wrapped_key, { id: recordId, format: 2 }, alice)

  const ciphertexts = await db.selectFrom('sealed_records').select('ciphertext').execute()
  const wraps = await db.selectFrom('record_keys').select('wrapped_key').execute()
  const audits = await db.selectFrom('audit_log').select('detail').execute()
  const stored = [
    ...ciphertexts.map((row) => row.ciphertext),
    ...wraps.map((row) => row.wrapped_key),
    ...audits.map((row) => Buffer.from(JSON.stringify(row.detail))),
  ]
  for (const bytes of stored) {
    assert.equal(bytes.includes(content), false)
    assert.equal(bytes.includes(recordKey), false)
    assert.equal(bytes.includes(Buffer.from(recordKey.toString('hex'))), false)
    assert.equal(bytes.includes(Buffer.from(recordKey.toString('base64'))), false)
  }
})

test('every open writes a sealed.read audit row with its reader and reason', async () => {
  const [alice, bob] = [await makeUser('alice'), await makeUser('bob')]
  const deskId = await deskWith(alice, bob)
  const recordId = await seal(deskId, 'audited')
  await openRecord(db, { recordId, reader: alice, reason: 'triage' })
  await openRecord(db, { recordId, reader: alice })
  await openRecord(db, { recordId, reader: bob, reason: 'lawyer review' })

  const rows = await auditRows('sealed.read', recordId)
  assert.deepEqual(
    rows.map((row) => [row.actor_id, row.detail]),
    [
      [alice.userId, { deskId, kind: 'report', reason: 'triage' }],
      [alice.userId, { deskId, kind: 'report' }],
      [bob.userId, { deskId, kind: 'report', reason: 'lawyer review' }],
    ],
  )
})

test('a failed open writes no sealed.read audit row', async () => {
  const [alice, mallory] = [await makeUser('alice'), await makeUser('mallory')]
  const recordId = await seal(await deskWith(alice), 'secret')
  await assert.rejects(openRecord(db, { recordId, reader: mallory }), notFound)
  await assert.rejects(openRecord(db, { recordId, reader: { ...alice, keyPair: newKeyPair() } }), {
    code: 'ERR_SEALED_TAMPERED',
  })
  assert.deepEqual(await auditRows('sealed.read', recordId), [])
})

test('sealing to a desk with no members throws ERR_DESK_HAS_NO_MEMBERS and stores nothing', async () => {
  const deskId = await deskWith()
  await assert.rejects(seal(deskId, 'nobody can read this'), { code: 'ERR_DESK_HAS_NO_MEMBERS' })
  const rows = await db.selectFrom('sealed_records').select('id').where('desk_id', '=', deskId).execute()
  assert.deepEqual(rows, [])
  await assert.rejects(seal(randomUUID(), 'no such desk'), { code: 'ERR_DESK_NOT_FOUND' })
})

test('sealing inside a caller’s transaction rolls back with it', async () => {
  const alice = await makeUser('alice')
  const deskId = await deskWith(alice)
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await sealRecord(trx, { deskId, kind: 'report', content: Buffer.from('rolled back') })
      throw new Error('caller failed after sealing')
    }),
    /caller failed/,
  )
  const rows = await db.selectFrom('sealed_records').select('id').where('desk_id', '=', deskId).execute()
  assert.deepEqual(rows, [])
})
