/** Reads about accounts that sign-in and reset pages need. */
import type { Db } from '../db/database.ts'

/** The account an e-mail names, if any (compared lower-cased, as addresses are stored). */
export async function accountIdByEmail(db: Db, email: string): Promise<string | null> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst()
  return row?.id ?? null
}

/** An account's id, e-mail and whether it is disabled. */
export function accountById(db: Db, id: string) {
  return db.selectFrom('users').select(['id', 'email', 'disabled_at']).where('id', '=', id).executeTakeFirst()
}

/** The roles an account holds. */
export async function rolesOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('user_roles').select('role').where('user_id', '=', userId).execute()
  return rows.map((row) => row.role)
}
