/** Reading the audit log: a filtered page of entries, and the names of the events in it. */
import { sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import type { AuditQuery } from '../schema.ts'

/** Entries matching `filters`, newest first, at most `limit` (ask one more than a page to know of a next). */
export async function auditEntries(db: Db, filters: Partial<AuditQuery>, limit: number) {
  let query = db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.actor_id')
    .select([
      'audit_log.id',
      'audit_log.at',
      'audit_log.action',
      'audit_log.target',
      'audit_log.detail',
      'users.email',
    ])
    .orderBy('audit_log.id', 'desc')
    .limit(limit)
  if (filters.action) query = query.where('audit_log.action', '=', filters.action)
  if (filters.actor) query = query.where('users.email', '=', filters.actor.toLowerCase())
  if (filters.from) query = query.where('audit_log.at', '>=', new Date(`${filters.from}T00:00:00Z`))
  if (filters.to)
    query = query.where(
      'audit_log.at',
      '<',
      new Date(new Date(`${filters.to}T00:00:00Z`).getTime() + 86_400_000),
    )
  if (filters.before) query = query.where('audit_log.id', '<', filters.before)
  return query.execute()
}

// A plain DISTINCT reads the whole log; this walks the (action, at)
// index from one name to the next, a few lookups per name however long the log grows.
/** Every event name in the log, for the filter. */
export async function distinctActions(db: Db): Promise<string[]> {
  const { rows } = await sql<{ action: string }>`
    WITH RECURSIVE names AS (
      (SELECT action FROM audit_log ORDER BY action LIMIT 1)
      UNION ALL
      SELECT (SELECT action FROM audit_log WHERE action > names.action ORDER BY action LIMIT 1)
      FROM names WHERE names.action IS NOT NULL
    )
    SELECT action FROM names WHERE action IS NOT NULL`.execute(db)
  return rows.map((row) => row.action)
}

/** The names of the members and desks among `ids` (an entry's target and detail), by id. */
export async function auditNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)]
  if (!unique.length) return new Map()
  const [users, desks] = await Promise.all([
    db
      .selectFrom('users')
      .select(['id', 'display_name as name', 'email'])
      .where('id', 'in', unique)
      .execute(),
    db.selectFrom('desks').select(['id', 'name']).where('id', 'in', unique).execute(),
  ])
  return new Map([
    ...users.map((user) => [user.id, `${user.name} (${user.email})`] as const),
    ...desks.map((desk) => [desk.id, desk.name] as const),
  ])
}
