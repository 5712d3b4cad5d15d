/**
 * Readying the database before the app uses it, the same at every start and in `lifeline db migrate`:
 * Lifeline's migrations, pg-boss's schema and queues, and the app role's privileges.
 *
 * With LIFELINE_MIGRATION_DATABASE_URL set, all of it runs as that (owner) role, on a connection
 * opened for the purpose and closed at once; the app's own pool (DATABASE_URL) then never creates,
 * alters or drops anything, and pg-boss is started with `migrate: false`. Unset, DATABASE_URL's role
 * does everything, as the embedded database's one user always does.
 */
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { type Env, EnvError } from '../../env.ts'
import { checkServerKey } from '../crypto/server-key.ts'
import { installJobs, type JobDefinition } from '../jobs/queue.ts'
import type { Db, Store } from './database.ts'
import { migrateToLatest, pendingMigrations } from './migrate.ts'
import { excessPrivileges, grantAppRole } from './privileges.ts'
import type { Database } from './tables.ts'

/** What preparing did: migrations applied, and what the app role may do beyond its needs (for the log). */
export type Prepared = { applied: string[]; excess: string[] }

/**
 * Applies pending migrations (and, as the owner, installs `jobs`' queues and grants the app role); see
 * above.
 */
export async function prepareDatabase(
  env: Env,
  store: Store,
  jobs: readonly JobDefinition[],
): Promise<Prepared> {
  const prepared = await migrate(env, store, jobs)
  await checkServerKey(store.db, store.serverKey)
  return prepared
}

async function migrate(env: Env, store: Store, jobs: readonly JobDefinition[]): Promise<Prepared> {
  if (!env.LIFELINE_MIGRATION_DATABASE_URL) return { applied: await migrateAsApp(store.db), excess: [] }
  const appRole = await currentRole(store.db)
  return asOwner(env, store, async (owner, pool) => {
    const applied = await migrateToLatest(owner)
    await installJobs(pool, jobs)
    if (appRole === (await currentRole(owner))) return { applied, excess: [] }
    await grantAppRole(owner, appRole)
    return { applied, excess: await excessPrivileges(owner, appRole) }
  })
}

/**
 * Runs `work` as the owner role: on a connection to LIFELINE_MIGRATION_DATABASE_URL when it is set
 * (closed afterwards), else on the store itself. For `lifeline db migrate --down` too.
 */
export async function asOwner<T>(
  env: Env,
  store: Store,
  work: (owner: Db, pool: pg.Pool) => Promise<T>,
): Promise<T> {
  const url = env.LIFELINE_MIGRATION_DATABASE_URL
  if (!url) return work(store.db, store.pool)
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  pool.on('error', () => {})
  const owner = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  try {
    return await work(owner, pool)
  } finally {
    await owner.destroy()
  }
}

// Without a migration URL the app's role migrates; when it can't (a least-privilege role whose owner
// hasn't migrated yet), say what to do instead of a stack trace about a missing privilege.
async function migrateAsApp(db: Db): Promise<string[]> {
  try {
    return await migrateToLatest(db)
  } catch (error) {
    if (!isPermissionDenied(error)) throw error
    const pending = await pendingMigrations(db).catch(() => [])
    throw new EnvError(
      `Migrations are pending (${pending.join(', ') || '?'}) and DATABASE_URL's role may not apply them. ` +
        'Set LIFELINE_MIGRATION_DATABASE_URL to the owner role, or run `lifeline db migrate` with it set.',
    )
  }
}

function isPermissionDenied(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause)
    if ((cause as { code?: string }).code === '42501') return true
  return false
}

async function currentRole(db: Db): Promise<string> {
  const { rows } = await sql<{ role: string }>`SELECT current_user AS role`.execute(db)
  return rows[0]!.role
}
