/**
 * A PGlite opened by the restoring process itself (a data dir being built, or an old backup's copy),
 * served on a private socket for the length of `work`, so that Lifeline's migrations and the rows dump
 * reach it through `pg` and Kysely exactly as they reach a running database.
 */
import { promises as fs } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path, { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { FileMigrationProvider, Kysely, Migrator, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Db } from '../db/database.ts'
import { migrationFolder } from '../db/migrate.ts'
import { PgliteConnections } from '../db/pglite-connections.ts'
import type { Database } from '../db/tables.ts'
import { BackupError } from './errors.ts'

/** Runs `work` with a pool and a Kysely on `pglite`, then closes both and the socket. */
export async function served<T>(pglite: PGlite, work: (pool: pg.Pool, db: Db) => Promise<T>): Promise<T> {
  // mkdtemp makes it 0700: only this user reaches the socket.
  const dir = await mkdtemp(join(tmpdir(), 'lifeline-restore-'))
  const connections = new PgliteConnections(pglite)
  try {
    await connections.listen(join(dir, '.s.PGSQL.5432'))
    const pool = new pg.Pool({ host: dir, port: 5432, user: 'postgres', database: 'postgres', max: 1 })
    pool.on('error', () => {})
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    try {
      return await work(pool, db)
    } finally {
      await db.destroy()
    }
  } finally {
    await connections.close()
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Brings a fresh database to exactly the schema a backup was taken at (its rows fit that one; later
 * migrations run at the next start, as after an upgrade). Refuses a backup from a newer Lifeline.
 */
export async function migrateTo(db: Db, applied: readonly string[]): Promise<void> {
  const migrator = new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }) })
  const known = new Set((await migrator.getMigrations()).map((migration) => migration.name))
  const unknown = applied.filter((name) => !known.has(name))
  if (unknown.length)
    throw new BackupError(
      'ERR_BACKUP_TOO_NEW',
      `This backup was made by a newer version of Lifeline (its database has migration ${unknown.join(', ')}, which this version doesn't know). Restore it with that version or a later one.`,
    )
  const { error } = await migrator.migrateTo(applied.at(-1)!)
  if (error) throw error
  const now = (await migrator.getMigrations()).filter((m) => m.executedAt).map((m) => m.name)
  if (now.join('\n') !== applied.join('\n'))
    throw new BackupError(
      'ERR_BACKUP_DAMAGED',
      `The backup's migrations (${applied.length}) are not this version's first ${applied.length}; nothing was restored.`,
    )
}
