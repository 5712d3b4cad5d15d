/**
 * Creating an account from a setup link or an invitation, in the caller's transaction: the link is
 * used up, the account made and the audit entry written together, or none of them.
 */
import { audit } from '../audit.ts'
import type { Db } from '../db/database.ts'
import { linkExpired } from '../errors.ts'
import { insertAccount, type PreparedAccount } from './accounts.ts'
import { consumeInvite } from './invites.ts'

/**
 * Makes the account, or returns null when the e-mail already has one. A used or raced link throws
 * linkExpired. The setup link makes the first account only, and every other setup link dies with it.
 */
export async function createInvitedAccount(
  trx: Db,
  options: { kind: 'setup' | 'invite'; inviteId: string; account: PreparedAccount },
): Promise<Awaited<ReturnType<typeof insertAccount>> | null> {
  const { kind, inviteId, account: prepared } = options
  if (await trx.selectFrom('users').select('id').where('email', '=', prepared.email).executeTakeFirst())
    return null
  if (!(await consumeInvite(trx, inviteId))) throw linkExpired()
  if (kind === 'setup') {
    if ((await trx.selectFrom('users').select('id').limit(1).execute()).length) throw linkExpired()
    await trx
      .updateTable('invites')
      .set({ used_at: new Date() })
      .where('kind', '=', 'setup')
      .where('used_at', 'is', null)
      .execute()
  }
  const account = await insertAccount(trx, prepared)
  await audit(trx, {
    actorId: account.id,
    action: kind === 'setup' ? 'account.setup' : 'account.signup',
    target: account.id,
    detail: { roles: [...prepared.roles], invite: inviteId },
  })
  return account
}
