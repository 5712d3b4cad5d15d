/**
 * Every ten minutes, on the boundary: top the pool of erasure keys back up (crypto/erasure-key-pool.ts),
 * so keys are made at times of the clock's choosing, never at a writer's.
 */
import { refillErasureKeys } from '../crypto/erasure-key-pool.ts'
import { defineJob } from './queue.ts'

/** The refill job. */
export const stockErasureKeys = defineJob({
  name: 'stock-erasure-keys',
  schedule: '*/10 * * * *',
  async handler(db) {
    await refillErasureKeys(db)
  },
})
