/** Which erasure keys the help desk's reports name (asked by the platform's sweep of orphaned keys). */
import { sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'

/** Which of the erasure keys `ids` reports name (the platform's sweep asks, erasure-key-sweep.ts). */
export async function reportKeysInUse(db: Db, ids: string[]): Promise<string[]> {
  const rows = await db
    .selectFrom('helpdesk_reports')
    .select('erasure_key')
    .where('erasure_key', '=', sql<string>`any(${ids}::uuid[])`)
    .execute()
  return rows.map((row) => row.erasure_key!)
}
