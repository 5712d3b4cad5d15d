/** Replacing a member's roles, audited in the same transaction. */
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'

/** Gives `userId` exactly `roles` (none is allowed: such a member sees nothing), noting what changed. */
export async function setRoles(
  trx: Db,
  change: { userId: string; actorId: string; from: readonly string[]; roles: readonly string[] },
): Promise<void> {
  await trx.deleteFrom('user_roles').where('user_id', '=', change.userId).execute()
  if (change.roles.length) {
    await trx
      .insertInto('user_roles')
      .values(change.roles.map((role) => ({ user_id: change.userId, role })))
      .execute()
  }
  await audit(trx, {
    actorId: change.actorId,
    action: 'role.changed',
    target: change.userId,
    detail: { from: [...change.from], to: [...change.roles] },
  })
}
