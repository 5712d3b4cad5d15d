/**
 * What a copy of the database (a seized server, a stolen backup) gives an attacker on the staff side:
 * none of the keys behind the address hashes, device cookies and form tokens, which come from the
 * server key kept outside it.
 */
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { up as keysOffTheDatabase } from '../../../migrations/20261207-110000-auth-keys-off-the-database.ts'
import { agent } from '../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { createStaff } from '../../../test/support/factories.ts'
import { mac } from '../crypto/primitives.ts'
import { csrfCookieName } from '../security.ts'
import { networkOf } from './throttle.ts'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(() => t.close())

/** Every keyed hash of `value` anyone holding only the database could compute: one per settings row. */
async function computableFromTheDatabase(value: string): Promise<string[]> {
  const rows = await t.store.db.selectFrom('settings').select('value').execute()
  return rows.flatMap((row) =>
    [Buffer.from(row.value, 'base64'), Buffer.from(row.value)].flatMap((key) => [
      createHmac('sha256', key).update(value).digest('base64url'),
      ...(key.length >= 16 && key.length <= 64 ? [mac(value, key).toString('base64url')] : []),
    ]),
  )
}

const ADDRESS = '198.51.100.23'

describe('a copy of the database', () => {
  it('keeps no key behind the address hashes, and each hash stands for a whole network', async () => {
    const member = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    const visitor = agent(t.app, 'en', { address: ADDRESS })
    await visitor.get('/login')
    assert.equal((await visitor.post('/login', { email: member.email, password: 'wrong' })).statusCode, 401)
    const rows = await t.store.db
      .selectFrom('login_failures')
      .select('subject')
      .where('subject', 'like', 'address:%')
      .execute()
    assert.equal(rows.length, 1)
    const hash = rows[0]!.subject.slice('address:'.length)
    for (const value of [ADDRESS, networkOf(ADDRESS)]) {
      assert.ok(!(await computableFromTheDatabase(value)).includes(hash), `computable for ${value}`)
    }
    const withServerKey = mac('198.51.100.0/24', t.store.serverKey.derive('address hashes'))
    assert.equal(hash, withServerKey.toString('base64url'), 'the server key, and the /24, make it')
  })

  it('can neither check nor forge a device cookie', async () => {
    const member = await createStaff(t.store.db, { roles: ['editor'], totp: false })
    const visitor = agent(t.app)
    await visitor.get('/login')
    await visitor.post('/login', { email: member.email, password: member.password })
    const [nonce, cookieMac] = visitor.cookies.get('lifeline_device')!.split('.')
    assert.ok(nonce && cookieMac)
    assert.ok(!(await computableFromTheDatabase(`${member.id}.${nonce}`)).includes(cookieMac))
  })

  it('can neither check nor forge a form token', async () => {
    const stranger = agent(t.app)
    await stranger.get('/login')
    const csrfCookie = stranger.cookies.get(csrfCookieName(false))!
    const tokens = await computableFromTheDatabase(`lifeline-csrf\0${csrfCookie}\0`)
    assert.ok(!tokens.includes(stranger.csrf))
  })

  it('has none of the keys an older version kept in its settings', async () => {
    const old = { key: 'device_cookie_key', value: 'AAAA' }
    await t.store.db
      .insertInto('settings')
      .values(old)
      .onConflict((oc) => oc.doNothing())
      .execute()
    await keysOffTheDatabase(t.store.db as unknown as Kysely<unknown>)
    const names = await t.store.db.selectFrom('settings').select('key').execute()
    for (const old of ['address_hash_key', 'signin_subject_key', 'device_cookie_key', 'csrf_key']) {
      assert.ok(!names.some((row) => row.key === old), old)
    }
  })
})

describe('the network an address counts under', () => {
  it('is the /24 of an IPv4 address, however written, and the /48 of an IPv6 one', () => {
    assert.equal(networkOf('198.51.100.23'), '198.51.100.0/24')
    assert.equal(networkOf('::ffff:198.51.100.200'), '198.51.100.0/24')
    assert.equal(networkOf('2001:db8:abcd:12::1'), '2001:db8:abcd::/48')
    assert.equal(networkOf('2001:0db8:abcd:ffff:1:2:3:4'), '2001:db8:abcd::/48')
    assert.equal(networkOf('not an address'), 'not an address')
  })
})
