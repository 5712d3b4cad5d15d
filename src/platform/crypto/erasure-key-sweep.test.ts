import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { claimErasureKey, stockErasureKeys } from './erasure-key-pool.ts'
import { type ErasureKeyOwner, SWEEP_MARGIN_MS, sweepErasureKeys } from './erasure-key-sweep.ts'

let store: TestStore
before(async () => {
  store = await testStore()
})
after(() => store.close())

// The keys a module's items name, and an owner as a module's descriptor gives it.
const inUse = new Set<string>()
const owners: ErasureKeyOwner[] = [
  { name: 'test', keysInUse: async (_db, ids) => ids.filter((id) => inUse.has(id)) },
]

describe('the sweep of orphaned erasure keys', () => {
  it('does nothing while no module has said which keys it uses', async () => {
    const [id] = await stockErasureKeys(store.db, 1)
    await store.db.deleteFrom('erasure_key_pool').where('id', '=', id!).execute()
    const later = Date.now() + 3 * SWEEP_MARGIN_MS
    await sweepErasureKeys(store.db, [], later)
    assert.deepEqual(await sweepErasureKeys(store.db, [], later + SWEEP_MARGIN_MS), {
      seen: 0,
      waiting: 0,
      destroyed: 0,
    })
    assert.ok(await store.erasureKeys.read(id!), 'the key is still there')
    await store.erasureKeys.destroy(id!)
  })

  it('destroys a key nothing names, and leaves a used one and a pooled one', async () => {
    await stockErasureKeys(store.db, 3)
    const used = await claimErasureKey(store.db)
    inUse.add(used.id)
    // Taken and never stored: the process died before its item was.
    const orphan = await claimErasureKey(store.db)
    const pooled = (await store.db.selectFrom('erasure_key_pool').select('id').execute()).map((row) => row.id)
    assert.equal(pooled.length, 1)

    // The files were made a while ago (as the pool's batches are), so only the two sightings count.
    const first = Date.now() + 2 * SWEEP_MARGIN_MS
    const noted = await sweepErasureKeys(store.db, owners, first)
    assert.deepEqual(noted, { seen: 3, waiting: 1, destroyed: 0 }, 'one sighting destroys nothing')
    assert.ok(await store.erasureKeys.read(orphan.id))
    const soon = await sweepErasureKeys(store.db, owners, first + SWEEP_MARGIN_MS / 2)
    assert.equal(soon.destroyed, 0, 'nor do two sightings less than the margin apart')

    const swept = await sweepErasureKeys(store.db, owners, first + SWEEP_MARGIN_MS)
    assert.deepEqual(swept, { seen: 3, waiting: 0, destroyed: 1 })
    assert.equal(await store.erasureKeys.read(orphan.id), null, 'the orphaned key is gone')
    assert.deepEqual(await store.erasureKeys.read(used.id), used.key, 'the used key stays')
    assert.ok(await store.erasureKeys.read(pooled[0]!), 'the pooled key stays')
  })

  it('spares a key taken by a submission in flight at one sweep and stored by the next', async () => {
    const inFlight = await claimErasureKey(store.db)
    const first = Date.now() + 2 * SWEEP_MARGIN_MS
    assert.equal((await sweepErasureKeys(store.db, owners, first)).waiting, 1)
    inUse.add(inFlight.id)
    assert.equal((await sweepErasureKeys(store.db, owners, first + SWEEP_MARGIN_MS)).destroyed, 0)
    // Orphaned again later (its item deleted some other way): it waits a whole margin afresh.
    inUse.delete(inFlight.id)
    assert.equal((await sweepErasureKeys(store.db, owners, first + 2 * SWEEP_MARGIN_MS)).destroyed, 0)
    assert.equal((await sweepErasureKeys(store.db, owners, first + 3 * SWEEP_MARGIN_MS)).destroyed, 1)
  })

  it('spares a key made less than the margin ago, however long it has looked orphaned', async () => {
    const [fresh] = await stockErasureKeys(store.db, 1)
    await store.db.deleteFrom('erasure_key_pool').where('id', '=', fresh!).execute()
    const now = Date.now()
    await sweepErasureKeys(store.db, owners, now - SWEEP_MARGIN_MS)
    assert.equal((await sweepErasureKeys(store.db, owners, now)).destroyed, 0)
    assert.ok(await store.erasureKeys.read(fresh!))
  })
})
