/**
 * Guessed receipts: each receipt typed that opens nothing counts against the address it came from
 * (as a keyed hash, in the sign-in throttle's table), and over 20 in 15 minutes the address must wait.
 * A receipt has 95 random bits, so this is about noise and noticing, not about the odds.
 */
import { addressSubject, countFailure, recentFailures } from '../../platform/auth/throttle.ts'
import { coarseCeil } from '../../platform/coarse-time.ts'
import type { Db } from '../../platform/db/database.ts'

const LIMIT = 20

/** The misses of one address: whether it is over the limit, and counting one more. */
export function receiptMisses(db: Db, address: string) {
  const subject = addressSubject(db, 'receipt', address)
  return {
    async overLimit(): Promise<boolean> {
      const key = await subject
      return key !== null && (await recentFailures(db, key)) >= LIMIT
    },
    async count(): Promise<void> {
      const key = await subject
      // Dated to the end of its ten minutes: a writer's miss keeps no exact time, and counts a little
      // longer rather than shorter.
      if (key) await countFailure(db, key, coarseCeil(new Date()))
    },
  }
}
