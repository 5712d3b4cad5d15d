/**
 * Erasure keys made ahead of need. A key file made when a report arrives would carry the report's exact
 * time in its change time (ctime), which no program can set back — defeating the 10-minute rounding of
 * everything else a report leaves. So keys are made in batches by a job every ten minutes
 * (jobs/stock-erasure-keys.ts), their ids listed in `erasure_key_pool`, and an arriving item takes
 * one at random: the file is not touched, and only the pool's row goes.
 *
 * When the pool runs dry (a surge that outruns the job), a batch is made on the spot and the item
 * takes a random key of it: the batch's time says that some item arrived then, not which one. A key
 * taken for an item that is then not stored goes back to the pool; a key taken by a process that dies
 * before storing is a random file that locks nothing.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import { erasureKeysOf } from './erasure-keys.ts'

/** How many unused keys the ten-minute job keeps: enough for a busy desk's ten minutes. */
export const POOL_TARGET = 1_000
/** How many keys a dry pool is given on the spot, so a surge doesn't make one per item. */
const ON_DEMAND_BATCH = 64

/** Makes `count` keys and lists them in the pool; returns their ids. */
export async function stockErasureKeys(db: Db, count: number): Promise<string[]> {
  if (count <= 0) return []
  // Files first: a listed key always exists.
  const ids = await erasureKeysOf(db).createMany(count)
  await db
    .insertInto('erasure_key_pool')
    .values(ids.map((id) => ({ id })))
    .execute()
  return ids
}

/** Tops the pool up to `target` unused keys; returns how many were made. */
export async function refillErasureKeys(db: Db, target = POOL_TARGET): Promise<number> {
  const row = await db
    .selectFrom('erasure_key_pool')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow()
  return (await stockErasureKeys(db, target - Number(row.count))).length
}

// One pooled id at random, taken for good: the ids are random UUIDs, so the first one after a random
// point is a fair draw (wrapping round to the smallest when none is after it). Keys another claim
// holds are skipped, so claims at the same moment don't wait on each other.
async function takeFromPool(db: Db): Promise<string | null> {
  const taken = await sql<{ id: string }>`
    DELETE FROM erasure_key_pool WHERE id = coalesce(
      (SELECT id FROM erasure_key_pool WHERE id >= ${randomUUID()}::uuid ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED),
      (SELECT id FROM erasure_key_pool ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED))
    RETURNING id`.execute(db)
  return taken.rows[0]?.id ?? null
}

/** Takes an unused key for a new item: its id (to store with the item) and the key itself. */
export async function claimErasureKey(db: Db): Promise<{ id: string; key: Buffer }> {
  const keys = erasureKeysOf(db)
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = await takeFromPool(db)
    if (!id) {
      await stockErasureKeys(db, ON_DEMAND_BATCH)
      continue
    }
    const key = await keys.read(id)
    if (key) return { id, key }
    // Listed but gone (its folder was tidied away by hand): draw again.
  }
  throw new Error('No erasure key could be taken from the pool')
}

/** Puts back a key taken for an item that was not stored; it locks nothing yet. */
export async function returnErasureKey(db: Db, id: string): Promise<void> {
  await db
    .insertInto('erasure_key_pool')
    .values({ id })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute()
}
