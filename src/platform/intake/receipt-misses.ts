/**
 * Guessed receipts, for every intake that hands them out (receipts.ts): each receipt typed that opens nothing counts against the address it came from, and
 * over 20 in 15 minutes the address must wait. A receipt has 95 random bits, so this is about noise and
 * noticing, not about the odds: the count is kept in this process's memory, per node, and nothing of
 * it reaches the database (not even a hash of the address, or when a miss happened). With several
 * nodes an address may miss 20 times on each; the bits make that no help to a guesser.
 */
import { isLoopback } from '../auth/throttle.ts'
import type { Db } from '../db/database.ts'
import { addressSubject } from './address-limit.ts'

const LIMIT = 20
const WINDOW_MS = 15 * 60_000
// Addresses counted at once: past this, the oldest counts are dropped (a flood from many addresses
// can't grow memory without end; each address it spreads over gets few guesses anyway).
const MOST_ADDRESSES = 100_000

const counts = new WeakMap<Db, Map<string, { since: number; misses: number }>>()

function countsOf(db: Db) {
  let known = counts.get(db)
  if (!known) {
    known = new Map()
    counts.set(db, known)
  }
  return known
}

/** The misses of one address: whether it is over the limit, and counting one more. */
export function receiptMisses(db: Db, address: string, now = () => Date.now()) {
  // Loopback is everyone behind an onion service or an untrusted proxy: not counted, as before.
  const subject = isLoopback(address) ? null : addressSubject(address)
  const known = countsOf(db)
  const current = () => {
    const entry = subject ? known.get(subject) : undefined
    return entry && now() - entry.since < WINDOW_MS ? entry : undefined
  }
  return {
    async overLimit(): Promise<boolean> {
      return (current()?.misses ?? 0) >= LIMIT
    },
    async count(): Promise<void> {
      if (!subject) return
      const entry = current()
      if (entry) {
        entry.misses += 1
        return
      }
      known.delete(subject)
      known.set(subject, { since: now(), misses: 1 })
      // The oldest windows go first: a Map keeps the order they were started in.
      for (const key of known.keys()) {
        if (known.size <= MOST_ADDRESSES) break
        known.delete(key)
      }
    },
  }
}
