/**
 * Hourly: destroy erasure keys that no item names and the pool doesn't hold (crypto/erasure-key-sweep.ts),
 * once two sweeps an hour apart have found them so.
 */
import { sweepErasureKeys } from '../crypto/erasure-key-sweep.ts'
import { defineJob } from './queue.ts'

/** The sweep job. */
export const sweepErasureKeysJob = defineJob({
  name: 'sweep-erasure-keys',
  schedule: '41 * * * *',
  async handler(db) {
    await sweepErasureKeys(db)
  },
})
