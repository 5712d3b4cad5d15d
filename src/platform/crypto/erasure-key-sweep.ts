/**
 * The sweep of orphaned erasure keys. A key file that no item names and that is not in the pool of
 * keys made ahead locks nothing anyone can find: the key of a report deleted some other way than by
 * retention, or one taken from the pool by a process that died before storing its report. Left there,
 * such a key would still open the item's rows in an old backup, so it is destroyed.
 *
 * The platform doesn't know which modules lock items with erasure keys: each one names an owner in its
 * descriptor (module.ts) that says which of a list of key ids it uses. With no owner the sweep does
 * nothing, as every key would look orphaned.
 *
 * A key taken from the pool by a submission still in flight is in neither place for a moment. Nothing
 * records when a key is taken (that would be the submission's time), so the sweep judges by what it
 * sees itself: a key is destroyed only when two sweeps at least SWEEP_MARGIN_MS apart both found it
 * orphaned, and its file was made (in a batch, at the pool's time) more than SWEEP_MARGIN_MS ago. The
 * first sighting is kept in this process's memory only; no row or file says when a key went missing.
 */
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import { erasureKeysOf } from './erasure-keys.ts'

/** How long a key must be seen orphaned, and have existed, before it is destroyed. */
export const SWEEP_MARGIN_MS = 60 * 60_000

/** A module that locks items with erasure keys: says which of `ids` its items name. */
export type ErasureKeyOwner = {
  name: string
  keysInUse(db: Db, ids: string[]): Promise<Iterable<string>>
}

// First sightings of orphaned keys, per store: id → when this process's sweep first found it orphaned.
const sightings = new WeakMap<Db, Map<string, number>>()

/** What a sweep did: keys looked at, keys seen orphaned and waiting, keys destroyed. */
export type SweepResult = { seen: number; waiting: number; destroyed: number }

// Which of `ids` no owner uses and the pool doesn't hold.
async function orphansAmong(db: Db, owners: readonly ErasureKeyOwner[], ids: string[]): Promise<string[]> {
  const used = new Set<string>()
  for (const owner of owners) for (const id of await owner.keysInUse(db, ids)) used.add(id)
  // The pool is read after the owners: a key moving from the pool into an item in between looks
  // orphaned this time, and is only noted, never destroyed on one sighting.
  const pooled = await db
    .selectFrom('erasure_key_pool')
    .select('id')
    .where('id', '=', sql<string>`any(${ids}::uuid[])`)
    .execute()
  for (const row of pooled) used.add(row.id)
  return ids.filter((id) => !used.has(id))
}

/** Destroys the erasure keys that two sweeps a margin apart found orphaned (see above). */
export async function sweepErasureKeys(
  db: Db,
  owners: readonly ErasureKeyOwner[],
  now = Date.now(),
): Promise<SweepResult> {
  const result: SweepResult = { seen: 0, waiting: 0, destroyed: 0 }
  if (!owners.length) return result
  const keys = erasureKeysOf(db)
  let seenBefore = sightings.get(db)
  if (!seenBefore) {
    seenBefore = new Map()
    sightings.set(db, seenBefore)
  }
  const stillOrphaned = new Map<string, number>()
  for await (const ids of keys.listed()) {
    result.seen += ids.length
    for (const id of await orphansAmong(db, owners, ids)) {
      const firstSeen = seenBefore.get(id) ?? now
      const madeAt = await keys.madeAt(id)
      if (!madeAt) continue
      if (now - firstSeen >= SWEEP_MARGIN_MS && now - madeAt.getTime() >= SWEEP_MARGIN_MS) {
        // Asked once more just before: the moment between the two looks is all a race can use.
        if (!(await orphansAmong(db, owners, [id])).length) continue
        await keys.destroy(id)
        result.destroyed += 1
        continue
      }
      stillOrphaned.set(id, firstSeen)
      result.waiting += 1
    }
  }
  // Keys no longer orphaned (stored, or given back to the pool) are forgotten.
  sightings.set(db, stillOrphaned)
  return result
}
