/**
 * Spending a proof of work (platform/intake/proof-of-work.ts) that lets a report past the per-address
 * limit: each solution passes once, its signature kept in helpdesk_spent_proofs until it expires.
 */
import type { Db } from '../../../platform/db/database.ts'
import { type ProofSecrets, proofSecrets, solvedProof } from '../../../platform/intake/proof-of-work.ts'

/** The help desk's challenge secrets (from the server key). */
export function helpdeskProofSecrets(db: Db): ProofSecrets {
  return proofSecrets(db, 'helpdesk')
}

/**
 * Whether `sent` (the form's `altcha` field) is a solution to a challenge this server made, unexpired
 * and not used before. A true answer spends it.
 */
export async function spendProof(db: Db, sent: unknown): Promise<boolean> {
  const solved = await solvedProof(helpdeskProofSecrets(db), sent)
  if (!solved) return false
  const spent = await db
    .insertInto('helpdesk_spent_proofs')
    .values({ signature: solved.signature, expires_at: solved.expiresAt })
    .onConflict((oc) => oc.column('signature').doNothing())
    .returning('signature')
    .executeTakeFirst()
  return spent !== undefined
}
