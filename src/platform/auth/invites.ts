/** One-time links: the first-run setup link and staff invitations. Only a hash of the token is stored. */

import { randomBytes, sha256 } from '../crypto/primitives.ts'
import type { Db } from '../db/database.ts'

/** What a link does: create the first admin, sign up invited staff, or renew a member's password. */
export type InviteKind = 'setup' | 'invite' | 'reset'

/** How long a setup or reset link stays valid. */
export const SETUP_LINK_MS = 60 * 60_000
/** Invitations last a week. */
export const INVITE_LINK_MS = 7 * 24 * 60 * 60_000

/** Creates a link and returns its token (to be shown once). */
export async function createInvite(
  db: Db,
  invite: {
    kind: InviteKind
    roles: readonly string[]
    email?: string | null
    createdBy?: string | null
    userId?: string | null
  },
): Promise<{ id: string; token: string }> {
  const token = randomBytes(32).toString('base64url')
  const ttl = invite.kind === 'invite' ? INVITE_LINK_MS : SETUP_LINK_MS
  const { id } = await db
    .insertInto('invites')
    .values({
      token_hash: sha256(token),
      kind: invite.kind,
      roles: [...invite.roles],
      email: invite.email ?? null,
      created_by: invite.createdBy ?? null,
      user_id: invite.userId ?? null,
      expires_at: new Date(Date.now() + ttl),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { id, token }
}

/** The unused, unexpired link a token names, or null. */
export async function findInvite(db: Db, kind: InviteKind, token: string) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null
  return (
    (await db
      .selectFrom('invites')
      .selectAll()
      .where('token_hash', '=', sha256(token))
      .where('kind', '=', kind)
      .where('used_at', 'is', null)
      .where('expires_at', '>', new Date())
      .executeTakeFirst()) ?? null
  )
}

/** Marks a link used; false if someone used it first (two tabs racing). */
export async function consumeInvite(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable('invites')
    .set({ used_at: new Date() })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Deletes links that expired more than a day ago. */
export async function deleteExpiredInvites(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('invites')
    .where('expires_at', '<=', new Date(Date.now() - 24 * 60 * 60_000))
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
