/** Reading staff accounts for the people pages. */
import { sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import { presentMember, type StaffMember } from '../present.ts'

/** Staff accounts with their roles, as presentMember takes them. */
export function members(db: Db) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'totp_enabled_at', 'disabled_at', 'created_at', 'public_key'])
    .select(
      sql<string[]>`array(SELECT role FROM user_roles WHERE user_id = users.id ORDER BY role)`.as('roles'),
    )
}

/** Every staff account, by e-mail. Staff lists are small (tens to a few hundred). */
export async function listUsers(db: Db): Promise<StaffMember[]> {
  return (await members(db).orderBy('email').limit(1000).execute()).map(presentMember)
}

/** One staff account, or null. */
export async function findUser(db: Db, id: string): Promise<StaffMember | null> {
  const row = await members(db).where('id', '=', id).executeTakeFirst()
  return row ? presentMember(row) : null
}
