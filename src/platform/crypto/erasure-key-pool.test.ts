import assert from 'node:assert/strict'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { claimErasureKey, refillErasureKeys, returnErasureKey, stockErasureKeys } from './erasure-key-pool.ts'

let store: TestStore
before(async () => {
  store = await testStore()
})
after(() => store.close())

const pooled = async () =>
  (await store.db.selectFrom('erasure_key_pool').select('id').execute()).map((row) => row.id)
const fileOf = (id: string) => join(store.erasureKeys.dir, id.slice(0, 2), id)

describe('the erasure key pool', () => {
  it('hands out keys made ahead, each once, without touching their files', async () => {
    const made = await stockErasureKeys(store.db, 30)
    const times = new Map(made.map((id) => [id, statSync(fileOf(id)).ctimeMs]))
    const claimed = await Promise.all(Array.from({ length: 30 }, () => claimErasureKey(store.db)))
    const ids = claimed.map((claim) => claim.id)
    assert.equal(new Set(ids).size, 30, 'no key is handed out twice, even at the same moment')
    assert.deepEqual(new Set(ids), new Set(made))
    for (const claim of claimed) {
      assert.deepEqual(await store.erasureKeys.read(claim.id), claim.key)
      assert.equal(statSync(fileOf(claim.id)).ctimeMs, times.get(claim.id), 'the file is as it was made')
    }
    assert.deepEqual(await pooled(), [])
  })

  it('draws at random rather than in the order keys were made', async () => {
    const made = await stockErasureKeys(store.db, 40)
    const order = []
    for (let i = 0; i < 10; i++) order.push(made.indexOf((await claimErasureKey(store.db)).id))
    assert.notDeepEqual(
      order,
      [...order].sort((a, b) => a - b),
      'not oldest first',
    )
    await store.db.deleteFrom('erasure_key_pool').execute()
  })

  it('makes a batch on the spot when the pool is dry, and takes one of it', async () => {
    assert.deepEqual(await pooled(), [])
    const claim = await claimErasureKey(store.db)
    assert.equal(claim.key.length, 32)
    const left = await pooled()
    assert.ok(left.length > 10, 'the rest of the batch waits in the pool')
    assert.ok(!left.includes(claim.id))
  })

  it('takes back a key that locked nothing stored', async () => {
    const claim = await claimErasureKey(store.db)
    await returnErasureKey(store.db, claim.id)
    await returnErasureKey(store.db, claim.id)
    assert.equal((await pooled()).filter((id) => id === claim.id).length, 1)
  })

  it('is topped up to its target and no further', async () => {
    const target = (await pooled()).length + 25
    assert.equal(await refillErasureKeys(store.db, target), 25)
    assert.equal(await refillErasureKeys(store.db, target), 0)
    assert.equal((await pooled()).length, target)
  })

  it('skips a listed key whose file is gone', async () => {
    await store.db.deleteFrom('erasure_key_pool').execute()
    const [gone] = await stockErasureKeys(store.db, 1)
    await store.erasureKeys.destroy(gone!)
    const claim = await claimErasureKey(store.db)
    assert.notEqual(claim.id, gone)
    assert.equal(claim.key.length, 32)
  })
})
