/**
 * A report's erasure key (src/platform/crypto/erasure-keys.ts): its content, photos, thread and the
 * writer's copies are locked with it before they are sealed, so destroying it — retention does —
 * leaves nothing readable in the database or in any backup of it.
 */
import { sql } from 'kysely'
import { claimErasureKey, returnErasureKey } from '../../platform/crypto/erasure-key-pool.ts'
import { secretOpen, secretSeal } from '../../platform/crypto/primitives.ts'
import { type Db, erasureKeysOf } from '../../platform/db/database.ts'

/** What unlocks a report: its key; none for reports stored before erasure keys; or 'erased'. */
export type ReportKey = Buffer | null | 'erased'

/** An unused erasure key and its id, taken from those made ahead (so its file says nothing of when). */
export function newReportKey(db: Db): Promise<{ id: string; key: Buffer }> {
  return claimErasureKey(db)
}

/** Gives back the key of a report that was not stored: nothing was locked with it for good. */
export function unusedReportKey(db: Db, keyId: string): Promise<void> {
  return returnErasureKey(db, keyId)
}

/** The key a report names (`keyId` from helpdesk_reports.erasure_key). */
export async function reportKey(db: Db, keyId: string | null): Promise<ReportKey> {
  if (keyId === null) return null
  return (await erasureKeysOf(db).read(keyId)) ?? 'erased'
}

/** Which of the erasure keys `ids` reports name (the platform's sweep asks, erasure-key-sweep.ts). */
export async function reportKeysInUse(db: Db, ids: string[]): Promise<string[]> {
  const rows = await db
    .selectFrom('helpdesk_reports')
    .select('erasure_key')
    .where('erasure_key', '=', sql<string>`any(${ids}::uuid[])`)
    .execute()
  return rows.map((row) => row.erasure_key!)
}

/** Destroys a report's key: what it locked can't be read again from anywhere. */
export async function eraseReportKey(db: Db, keyId: string | null): Promise<void> {
  if (keyId !== null) await erasureKeysOf(db).destroy(keyId)
}

/** `plain` locked with the report's key (as is for a report stored before erasure keys). */
export function lock(key: Buffer | null, plain: Buffer): Buffer {
  return key ? secretSeal(plain, key) : plain
}

/** What `lock` made, opened; null once the key is erased. */
export function unlock(key: ReportKey, locked: Buffer): Buffer | null {
  if (key === 'erased') return null
  return key ? secretOpen(locked, key) : locked
}
