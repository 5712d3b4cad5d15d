/** Reading staff accounts for the people pages. */
import { sql } from 'kysely'
import { fingerprint } from '../../platform/crypto/primitives.ts'
import type { Db } from '../../platform/db/database.ts'

/** A staff member as the people pages show them. */
export type StaffMember = {
  id: string
  email: string
  displayName: string
  roles: string[]
  totpEnabled: boolean
  disabled: boolean
  createdAt: Date
  /** Their public key's fingerprint, for comparing with what they see on their own account page. */
  keyFingerprint: string
}

function members(db: Db) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'totp_enabled_at', 'disabled_at', 'created_at', 'public_key'])
    .select(
      sql<string[]>`array(SELECT role FROM user_roles WHERE user_id = users.id ORDER BY role)`.as('roles'),
    )
}

type Row = Awaited<ReturnType<ReturnType<typeof members>['executeTakeFirstOrThrow']>>

function present(row: Row): StaffMember {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    roles: (row.roles ?? []).sort(),
    totpEnabled: !!row.totp_enabled_at,
    disabled: !!row.disabled_at,
    createdAt: row.created_at,
    keyFingerprint: fingerprint(row.public_key),
  }
}

/** Every staff account, by e-mail. Staff lists are small (tens to a few hundred). */
export async function listUsers(db: Db): Promise<StaffMember[]> {
  return (await members(db).orderBy('email').limit(1000).execute()).map(present)
}

/** One staff account, or null. */
export async function findUser(db: Db, id: string): Promise<StaffMember | null> {
  const row = await members(db).where('id', '=', id).executeTakeFirst()
  return row ? present(row) : null
}
