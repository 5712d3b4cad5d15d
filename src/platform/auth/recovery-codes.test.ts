import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { createStaff } from '../../../test/support/factories.ts'
import { mac, sha256 } from '../crypto/primitives.ts'
import {
  newRecoveryCode,
  newRecoveryCodes,
  RECOVERY_CODE_COUNT,
  recoveryCodeKey,
  recoveryCodesLeft,
  useRecoveryCode,
} from './totp.ts'

let store: TestStore
before(async () => {
  store = await testStore()
})
after(() => store.close())

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'
const rowsOf = (userId: string) =>
  store.db.selectFrom('recovery_codes').selectAll().where('user_id', '=', userId).execute()

describe('new recovery codes', () => {
  it('carry at least 80 bits, in four groups of five easy symbols', () => {
    const code = newRecoveryCode()
    assert.match(code, /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/)
    assert.ok([...code.replace(/-/g, '')].every((symbol) => ALPHABET.includes(symbol)))
    const bits = code.replace(/-/g, '').length * Math.log2(ALPHABET.length)
    assert.ok(bits >= 80, `${bits} bits`)
  })

  it('make every symbol equally likely', () => {
    // A random byte modulo 31 makes the first eight symbols 9/8 as likely as the rest.
    const counts = new Map<string, number>()
    for (let i = 0; i < 5000; i++) {
      for (const symbol of newRecoveryCode().replace(/-/g, ''))
        counts.set(symbol, (counts.get(symbol) ?? 0) + 1)
    }
    const mean = (symbols: string) =>
      [...symbols].reduce((sum, symbol) => sum + (counts.get(symbol) ?? 0), 0) / symbols.length
    const ratio = mean(ALPHABET.slice(0, 8)) / mean(ALPHABET.slice(8))
    // 100 000 draws: an even spread stays within a few per cent; the modulo bias is 12.5 %.
    assert.ok(Math.abs(ratio - 1) < 0.05, `the first eight symbols come ${ratio.toFixed(3)} times as often`)
  })

  it('are stored as a MAC under the server key, which nothing in the database recreates', async () => {
    const member = await createStaff(store.db, { roles: ['lawyer'] })
    const codes = await newRecoveryCodes(store.db, member.id, recoveryCodeKey(store.db))
    assert.equal(codes.length, RECOVERY_CODE_COUNT)
    const stored = (await rowsOf(member.id)).map((row) => row.code_hash)
    const settings = await store.db.selectFrom('settings').select('value').execute()
    for (const code of codes) {
      const bare = code.replace(/-/g, '')
      assert.ok(!stored.includes(sha256(bare)), 'not a bare SHA-256')
      const key = store.serverKey.derive('recovery codes')
      assert.ok(stored.includes(`mac:${mac(bare, key).toString('base64url')}`), 'a MAC under the server key')
      for (const { value } of settings) {
        const guess = createHmac('sha256', Buffer.from(value, 'base64')).update(bare).digest('hex')
        assert.ok(!stored.some((hash) => hash.includes(guess)))
      }
    }
  })

  it('work once each, typed with any case, spaces or dashes', async () => {
    const member = await createStaff(store.db, { roles: ['lawyer'] })
    const [code] = await newRecoveryCodes(store.db, member.id, recoveryCodeKey(store.db))
    const typed = ` ${code!.toUpperCase().replace(/-/g, ' ')} `
    assert.equal(await useRecoveryCode(store.db, member.id, typed), true)
    assert.equal(await useRecoveryCode(store.db, member.id, code!), false, 'used up')
    assert.equal(await recoveryCodesLeft(store.db, member.id), RECOVERY_CODE_COUNT - 1)
  })
})

describe('recovery codes issued before', () => {
  it('still work once, and are all replaced by the next new set', async () => {
    const member = await createStaff(store.db, { roles: ['lawyer'] })
    const old = ['abcde-fghjk', 'mnpqr-stuvw']
    await store.db
      .insertInto('recovery_codes')
      .values(old.map((code) => ({ user_id: member.id, code_hash: sha256(code.replace('-', '')) })))
      .execute()
    assert.equal(await useRecoveryCode(store.db, member.id, 'ABCDE-FGHJK'), true)
    assert.equal(await useRecoveryCode(store.db, member.id, 'abcde-fghjk'), false, 'once')
    await newRecoveryCodes(store.db, member.id, recoveryCodeKey(store.db))
    const rows = await rowsOf(member.id)
    assert.equal(rows.length, RECOVERY_CODE_COUNT)
    assert.ok(rows.every((row) => row.code_hash.startsWith('mac:')))
    assert.equal(await useRecoveryCode(store.db, member.id, 'mnpqr-stuvw'), false, 'the old set is gone')
  })
})
