/**
 * Least privilege on native PostgreSQL: one role owns every table and applies the migrations
 * (LIFELINE_MIGRATION_DATABASE_URL); the app runs as another (DATABASE_URL) that may read and write
 * rows and nothing more. It can't TRUNCATE, DROP, ALTER or CREATE anything, and so can't get past the
 * audit log's triggers either: disabling or dropping a trigger takes the table's owner.
 *
 * The grants are made by the owner after each migration run, and ALTER DEFAULT PRIVILEGES covers what
 * later migrations (and pg-boss's new queue tables) create, so the app role never needs a hand-made
 * GRANT. On the audit log the app may only add rows: UPDATE and DELETE are withheld as well as refused
 * by the triggers.
 */
import { sql } from 'kysely'
import { JOBS_SCHEMA } from '../jobs/queue.ts'
import type { Db } from './database.ts'

// Every schema Lifeline creates objects in: its own tables (and Kysely's migration tables) and pg-boss's.
const APP_SCHEMAS = ['public', JOBS_SCHEMA]

// Two nodes starting at once would otherwise GRANT on the same catalog rows concurrently, which
// PostgreSQL answers with "tuple concurrently updated". Any fixed number unique to this use will do.
const GRANT_LOCK = 7_406_523_111

/** Grants `role` what the app needs on everything the current (owner) role has made; run as the owner. */
export async function grantAppRole(owner: Db, role: string): Promise<void> {
  const grantee = sql.id(role)
  await owner.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${GRANT_LOCK})`.execute(trx)
    for (const name of APP_SCHEMAS) {
      const schema = sql.id(name)
      await sql`GRANT USAGE ON SCHEMA ${schema} TO ${grantee}`.execute(trx)
      await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${grantee}`.execute(
        trx,
      )
      await sql`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${grantee}`.execute(trx)
      await sql`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schema} TO ${grantee}`.execute(trx)
      await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema}
        GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${grantee}`.execute(trx)
      await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema}
        GRANT USAGE, SELECT ON SEQUENCES TO ${grantee}`.execute(trx)
      await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT EXECUTE ON FUNCTIONS TO ${grantee}`.execute(
        trx,
      )
    }
    await sql`REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM ${grantee}`.execute(trx)
  })
}

/**
 * What `role` can do beyond what the app needs, in words for the log: a superuser or a member of the
 * owner role gets past every trigger, and CREATE on the database or a schema lets it make objects.
 */
export async function excessPrivileges(owner: Db, role: string): Promise<string[]> {
  const { rows } = await sql<{
    superuser: boolean
    member_of_owner: boolean
    create_database: boolean
    create_schemas: string[]
    owns: number
  }>`
    SELECT r.rolsuper AS superuser,
      pg_has_role(r.oid, current_user, 'USAGE') AS member_of_owner,
      has_database_privilege(r.oid, current_database(), 'CREATE') AS create_database,
      ARRAY(SELECT n.nspname::text FROM pg_namespace n
        WHERE n.nspname = ANY(${APP_SCHEMAS}) AND has_schema_privilege(r.oid, n.oid, 'CREATE')) AS create_schemas,
      (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relowner = r.oid AND n.nspname = ANY(${APP_SCHEMAS})) AS owns
    FROM pg_roles r WHERE r.rolname = ${role}
  `.execute(owner)
  const found = rows[0]
  if (!found) return []
  const excess: string[] = []
  if (found.superuser) excess.push('is a superuser')
  else if (found.member_of_owner) excess.push('is a member of the migration role')
  if (found.create_database) excess.push('may CREATE schemas in the database')
  for (const schema of found.create_schemas) excess.push(`may CREATE in schema ${schema}`)
  if (found.owns) excess.push(`owns ${found.owns} tables, indexes or sequences`)
  return excess
}
