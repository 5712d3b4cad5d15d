/** Forgetting spent proofs of work once their challenges have expired (retention's job does it hourly). */
import type { Db } from '../../../platform/db/database.ts'

/** Forgets spent proofs whose challenges have expired (they could not be used again anyway). */
export async function forgetSpentProofs(db: Db, now = new Date()): Promise<number> {
  const result = await db.deleteFrom('helpdesk_spent_proofs').where('expires_at', '<', now).executeTakeFirst()
  return Number(result.numDeletedRows)
}
