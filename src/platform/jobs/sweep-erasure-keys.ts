/**
 * Hourly: destroy erasure keys that no item names and the pool doesn't hold (crypto/erasure-key-sweep.ts),
 * once two sweeps an hour apart have found them so.
 */
import { type ErasureKeyOwner, sweepErasureKeys } from '../crypto/erasure-key-sweep.ts'
import { defineJob, type JobDefinition } from './queue.ts'

/** The sweep job, asking `owners` (the modules' descriptors give them) which keys are in use. */
export function sweepErasureKeysJob(owners: readonly ErasureKeyOwner[]): JobDefinition {
  return defineJob({
    name: 'sweep-erasure-keys',
    schedule: '41 * * * *',
    async handler(db) {
      await sweepErasureKeys(db, owners)
    },
  })
}
