import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { agent } from '../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { createStaff, signIn, totpCode } from '../../../test/support/factories.ts'
import {
  boxOpen,
  boxSeal,
  CryptoError,
  deriveKey,
  fingerprint,
  hashPassword,
  type KeyPair,
  newKeyPair,
  newSalt,
  newSymmetricKey,
  PASSWORD_COSTS,
  randomBytes,
  secretSeal,
} from '../crypto/primitives.ts'
import { addDeskMember, createDesk, openRecord, sealRecord } from '../crypto/sealed-records.ts'
import { ServerKey } from '../crypto/server-key.ts'
import type { Db } from '../db/database.ts'
import { saveTotpSecret, unlockAccount } from './accounts.ts'
import {
  currentPasswordCost,
  decoyCheck,
  openWithPassword,
  type StoredPassword,
} from './password-material.ts'
import { newTotpSecret } from './totp.ts'

let t: TestApp
let db: Db
before(async () => {
  t = await testApp()
  db = t.store.db
})
after(() => t.close())

// What a copy of the database holds of a member: their row, and every wrap and ciphertext.
async function databaseCopy(userId: string) {
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow()
  const wraps = await db.selectFrom('record_keys').selectAll().where('user_id', '=', userId).execute()
  const stored: StoredPassword = {
    userId,
    keyWrap: user.key_wrap,
    passwordHash: user.password_hash,
    salt: user.kdf_salt,
    cost: user.kdf_ops && user.kdf_mem ? { ops: user.kdf_ops, mem: user.kdf_mem } : null,
    publicKey: user.public_key,
    wrappedPrivateKey: user.wrapped_private_key,
  }
  return { stored, wraps }
}

// Whether `keyPair` opens any of the wraps.
function opensAny(wraps: { wrapped_key: Buffer }[], keyPair: KeyPair): boolean {
  return wraps.some((wrap) => {
    try {
      boxOpen(wrap.wrapped_key, keyPair)
      return true
    } catch (error) {
      if (error instanceof CryptoError) return false
      throw error
    }
  })
}

async function deskOf(...members: { id: string }[]): Promise<string> {
  const deskId = await createDesk(db, { slug: `desk-${Math.random().toString(36).slice(2)}`, name: 'Desk' })
  for (const member of members) await addDeskMember(db, { deskId, userId: member.id, actorId: member.id })
  return deskId
}

describe('a phished password with a copy of the database', () => {
  it('opens nothing without the server key, and nothing after a password change even with it', async () => {
    const member = await createStaff(db, { roles: ['lawyer'] })
    const deskId = await deskOf(member)
    await sealRecord(db, { deskId, kind: 'report', content: Buffer.from('before the change') })
    const before = await databaseCopy(member.id)
    assert.equal(before.wraps.length, 1)

    // The copy alone, with the phished password and any server key but the real one: not even a
    // check of the password, let alone the private key.
    const guessedKey = ServerKey.fromBytes(randomBytes(32))
    assert.deepEqual(await openWithPassword(guessedKey, before.stored, member.password), { outcome: 'wrong' })
    // With the real server key the copy from before opens: that is what the server key is for.
    const opened = await openWithPassword(t.store.serverKey, before.stored, member.password)
    assert.equal(opened.outcome, 'open')

    const visitor = await signIn(t.app, member)
    await visitor.get('/account')
    const newPassword = 'tangerine lighthouse quietly folding 42'
    const changed = await visitor.post('/account/password', {
      current: member.password,
      password: newPassword,
      confirm: newPassword,
    })
    assert.equal(changed.statusCode, 303)
    await sealRecord(db, { deskId, kind: 'report', content: Buffer.from('after the change') })

    const later = await databaseCopy(member.id)
    assert.equal(later.wraps.length, 2, 'the member keeps both records')
    assert.deepEqual(
      await openWithPassword(t.store.serverKey, later.stored, member.password),
      { outcome: 'wrong' },
      'the old password opens nothing in a later copy, even with the server key',
    )
    const oldPair = opened.outcome === 'open' ? opened.keyPair : newKeyPair()
    assert.equal(opensAny(later.wraps, oldPair), false, 'the old private key opens no wrap in a later copy')
    assert.equal(opensAny(later.wraps, member.keyPair), false)

    // The member, signed in with the new password, still reads both.
    const unlocked = (await unlockAccount(db, member.email, newPassword))!
    const reader = { userId: member.id, keyPair: unlocked.keyPair }
    for (const wrap of later.wraps) assert.ok(await openRecord(db, { recordId: wrap.record_id, reader }))
  })
})

describe('key fingerprints', () => {
  it('show a member the key their session holds and an administrator the stored one, so a replaced key shows', async () => {
    const admin = await createStaff(db, { roles: ['admin'] })
    const member = await createStaff(db, { roles: ['lawyer'] })
    const [adminAgent, memberAgent] = [await signIn(t.app, admin), await signIn(t.app, member)]
    const shown = async () => ({
      own: /class="secret fingerprint">([^<]+)</.exec((await memberAgent.get('/account')).body)?.[1],
      stored: /class="secret fingerprint">([^<]+)</.exec(
        (await adminAgent.get(`/staff/users/${member.id}`)).body,
      )?.[1],
    })
    const before = await shown()
    assert.equal(before.own, fingerprint(member.keyPair.publicKey))
    assert.equal(before.stored, before.own)
    await db
      .updateTable('users')
      .set({ public_key: newKeyPair().publicKey })
      .where('id', '=', member.id)
      .execute()
    const after = await shown()
    assert.equal(after.own, before.own, "the member's page shows the key they hold")
    assert.notEqual(after.stored, after.own, "the administrator's page shows the replaced one")
  })
})

describe('a replaced public key', () => {
  it('is refused at sign-in with an alert, and no session starts', async () => {
    const member = await createStaff(db, { roles: ['lawyer'] })
    await db
      .updateTable('users')
      .set({ public_key: newKeyPair().publicKey })
      .where('id', '=', member.id)
      .execute()
    const visitor = agent(t.app)
    await visitor.get('/login')
    const answer = await visitor.post('/login', { email: member.email, password: member.password })
    assert.equal(answer.statusCode, 409)
    assert.match(answer.body, /not this account/)
    assert.equal(answer.headers['set-cookie']?.toString().includes('lifeline_session=') ?? false, false)
    const alerts = await db
      .selectFrom('audit_log')
      .select('action')
      .where('target', '=', member.id)
      .where('action', '=', 'account.key_mismatch')
      .execute()
    assert.equal(alerts.length, 1)
    assert.equal((await visitor.get('/staff')).statusCode === 200, false)
  })
})

describe('an account from before the server key', () => {
  it('is moved over at its next sign-in: new key pair, bound records, nothing unreadable', async () => {
    // Made the old way: an argon2id string, the private key wrapped by the password alone, records
    // sealed with bare key wraps.
    const password = 'an old password from before'
    const keyPair = newKeyPair()
    const salt = newSalt()
    const { id } = await db
      .insertInto('users')
      .values({
        email: 'legacy@example.org',
        display_name: 'Legacy',
        password_hash: await hashPassword(password),
        kdf_salt: salt,
        public_key: keyPair.publicKey,
        wrapped_private_key: secretSeal(keyPair.privateKey, await deriveKey(password, salt)),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db.insertInto('user_roles').values({ user_id: id, role: 'lawyer' }).execute()
    const totpSecret = newTotpSecret()
    await saveTotpSecret(db, id, keyPair.publicKey, totpSecret, 0)
    const deskId = await deskOf({ id })
    const recordKey = newSymmetricKey()
    const { id: recordId } = await db
      .insertInto('sealed_records')
      .values({
        desk_id: deskId,
        kind: 'report',
        format: 1,
        ciphertext: secretSeal(Buffer.from('old report'), recordKey),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('record_keys')
      .values({ record_id: recordId, user_id: id, wrapped_key: boxSeal(recordKey, keyPair.publicKey) })
      .execute()

    const visitor = agent(t.app)
    await visitor.get('/login')
    const login = await visitor.post('/login', { email: 'legacy@example.org', password })
    assert.equal(login.statusCode, 303)
    await visitor.get('/login/totp')
    const second = await visitor.post('/login/totp', { code: totpCode(totpSecret) })
    assert.equal(second.statusCode, 303, 'the TOTP secret was re-sealed to the new key pair')

    const user = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    assert.equal(user.key_wrap, 2)
    assert.notDeepEqual(user.public_key, keyPair.publicKey)
    assert.deepEqual({ ops: user.kdf_ops, mem: user.kdf_mem }, currentPasswordCost())
    const record = await db
      .selectFrom('sealed_records')
      .selectAll()
      .where('id', '=', recordId)
      .executeTakeFirstOrThrow()
    assert.equal(record.format, 2)
    const unlocked = (await unlockAccount(db, 'legacy@example.org', password))!
    const content = await openRecord(db, { recordId, reader: { userId: id, keyPair: unlocked.keyPair } })
    assert.equal(content.toString(), 'old report')
    const wraps = await db.selectFrom('record_keys').select('wrapped_key').where('user_id', '=', id).execute()
    assert.equal(opensAny(wraps, keyPair), false, 'the old key pair opens no wrap any more')
  })
})

describe("a password's cost", () => {
  it('is moderate unless set, stored per member, and raised at the next sign-in', async () => {
    const saved = process.env.LIFELINE_PASSWORD_COST
    try {
      delete process.env.LIFELINE_PASSWORD_COST
      assert.deepEqual(currentPasswordCost(), PASSWORD_COSTS.moderate)
      process.env.LIFELINE_PASSWORD_COST = 'interactive'
      const member = await createStaff(db, { roles: ['lawyer'] })
      const costOf = async () =>
        db
          .selectFrom('users')
          .select(['kdf_ops', 'kdf_mem'])
          .where('id', '=', member.id)
          .executeTakeFirstOrThrow()
      assert.deepEqual(await costOf(), {
        kdf_ops: PASSWORD_COSTS.interactive.ops,
        kdf_mem: PASSWORD_COSTS.interactive.mem,
      })
      delete process.env.LIFELINE_PASSWORD_COST
      const unlocked = await unlockAccount(db, member.email, member.password)
      assert.deepEqual(unlocked?.keyPair.publicKey, member.keyPair.publicKey, 'the same key pair, re-wrapped')
      assert.deepEqual(await costOf(), {
        kdf_ops: PASSWORD_COSTS.moderate.ops,
        kdf_mem: PASSWORD_COSTS.moderate.mem,
      })
      assert.ok(await unlockAccount(db, member.email, member.password), 'and it opens at the new cost')
    } finally {
      if (saved === undefined) delete process.env.LIFELINE_PASSWORD_COST
      else process.env.LIFELINE_PASSWORD_COST = saved
    }
  })
})

describe('a new password', () => {
  it('is refused when it is easy to guess, even if long enough', async () => {
    const member = await createStaff(db, { roles: ['lawyer'] })
    const visitor = await signIn(t.app, member)
    await visitor.get('/account')
    for (const weak of ['password1234', 'qwertyuiop12', 'iloveyou1234']) {
      const answer = await visitor.post('/account/password', {
        current: member.password,
        password: weak,
        confirm: weak,
      })
      assert.equal(answer.statusCode, 400, weak)
      assert.match(answer.body, /too easy to guess/, weak)
    }
  })
})

describe('a flood of sign-ins', () => {
  it('stretches two passwords at once, lines up 32 more, and turns the rest away at once with a 429', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => decoyCheck(`guess ${i}`)))
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected')
    assert.equal(outcomes.length - refused.length, 34)
    for (const outcome of refused)
      assert.deepEqual(
        { code: outcome.reason.code, status: outcome.reason.status },
        { code: 'ERR_RATE_LIMITED', status: 429 },
      )
    await decoyCheck('after the flood')
  })
})
