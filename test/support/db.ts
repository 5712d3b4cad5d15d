/**
 * A fresh, migrated database for one test file, on the engine the run asks for.
 *
 * `npm test` prepares a migrated template once per engine (see test/run.ts); each test file gets its
 * own copy, so files never see each other's rows. Run alone, a file builds its own embedded database.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { allJobs } from '../../src/modules.ts'
import { attachErasureKeys, type ErasureKeys } from '../../src/platform/crypto/erasure-keys.ts'
import { openStore, type Store } from '../../src/platform/db/database.ts'
import { migrateToLatest } from '../../src/platform/db/migrate.ts'
import { installJobs } from '../../src/platform/jobs/queue.ts'

/** The engine this test run uses: `LIFELINE_TEST_ENGINE=postgres` or the default, `pglite`. */
export const engine = process.env.LIFELINE_TEST_ENGINE === 'postgres' ? 'postgres' : 'pglite'

/** A store for one test file plus the settings that reach the same database from another process. */
export type TestStore = Store & { dataDir: string; databaseUrl?: string; erasureKeys: ErasureKeys }

/** Opens a fresh migrated database; close() removes it. */
export async function testStore(): Promise<TestStore> {
  return engine === 'postgres' ? nativeCopy() : embeddedCopy()
}

async function embeddedCopy(): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-test-'))
  const template = process.env.LIFELINE_TEST_PGLITE_TEMPLATE
  if (template) cpSync(template, dataDir, { recursive: true })
  const store = await openStore({ dataDir })
  const erasureKeys = attachErasureKeys(store, { dataDir })
  if (!template) {
    await migrateToLatest(store.db)
    await installJobs(store.pool, allJobs())
  }
  return {
    ...store,
    dataDir,
    erasureKeys,
    async close() {
      await store.close()
      rmSync(dataDir, { recursive: true, force: true })
      rmSync(erasureKeys.dir, { recursive: true, force: true })
      rmSync(store.serverKey.path, { force: true })
    },
  }
}

async function nativeCopy(): Promise<TestStore> {
  const templateUrl = process.env.LIFELINE_TEST_DATABASE_URL
  if (!templateUrl)
    throw new Error('LIFELINE_TEST_ENGINE=postgres needs LIFELINE_TEST_DATABASE_URL (npm test sets it).')
  const admin = new URL(templateUrl)
  const template = admin.pathname.slice(1)
  admin.pathname = '/postgres'
  const name = `test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const client = new pg.Client({ connectionString: admin.href })
  await client.connect()
  await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`)
  await client.end()
  const url = new URL(admin.href)
  url.pathname = `/${name}`
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-test-'))
  const store = await openStore({ dataDir, databaseUrl: url.href })
  const erasureKeys = attachErasureKeys(store, { dataDir })
  return {
    ...store,
    dataDir,
    erasureKeys,
    databaseUrl: url.href,
    async close() {
      await store.close()
      rmSync(dataDir, { recursive: true, force: true })
      rmSync(erasureKeys.dir, { recursive: true, force: true })
      rmSync(store.serverKey.path, { force: true })
      const cleanup = new pg.Client({ connectionString: admin.href })
      await cleanup.connect()
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await cleanup.end()
    },
  }
}
