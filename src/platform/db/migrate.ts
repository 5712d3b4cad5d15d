import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { FileMigrationProvider, type MigrationResultSet, Migrator } from 'kysely'
import type { Db } from './database.ts'

/** The folder of timestamped migrations, `YYYYMMDD-HHMMSS-what-it-does.ts`, each with up() and down(). */
export const migrationFolder = fileURLToPath(new URL('../../../migrations', import.meta.url))

function migrator(db: Db): Migrator {
  return new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }) })
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  return unwrap(await migrator(db).migrateToLatest())
}

/** Reverts the latest applied migration. */
export async function migrateDown(db: Db): Promise<string[]> {
  return unwrap(await migrator(db).migrateDown())
}

/** Names of migrations that exist on disk but are not applied yet. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const all = await migrator(db).getMigrations()
  return all.filter((migration) => !migration.executedAt).map((migration) => migration.name)
}

function unwrap({ error, results = [] }: MigrationResultSet): string[] {
  if (error) {
    const failed = results.find((result) => result.status === 'Error')
    throw new Error(`Migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`, { cause: error })
  }
  return results.map((result) => result.migrationName)
}
