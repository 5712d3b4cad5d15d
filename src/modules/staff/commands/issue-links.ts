/**
 * Links an admin hands to someone: an invitation to join with given roles, and a reset link for a
 * member who lost their password and second factor. Each is audited in the same transaction; only
 * the link's hash is stored, so the token returned here is shown once.
 */
import { audit } from '../../../platform/audit.ts'
import { createInvite } from '../../../platform/auth/invites.ts'
import type { Db } from '../../../platform/db/database.ts'

/** An invitation for `email` with `roles`. */
export async function inviteMember(
  trx: Db,
  invite: { email: string | null; roles: string[]; actorId: string },
): Promise<{ token: string }> {
  const { actorId, ...rest } = invite
  const created = await createInvite(trx, { kind: 'invite', ...rest, createdBy: actorId })
  await audit(trx, { actorId, action: 'invite.created', target: created.id, detail: { roles: invite.roles } })
  return created
}

/** A reset link for `userId`. */
export async function issueResetLink(
  trx: Db,
  reset: { userId: string; actorId: string },
): Promise<{ token: string }> {
  const created = await createInvite(trx, {
    kind: 'reset',
    roles: [],
    userId: reset.userId,
    createdBy: reset.actorId,
  })
  await audit(trx, { actorId: reset.actorId, action: 'account.reset_link_created', target: reset.userId })
  return created
}
