import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { allJobs } from '../../modules.ts'
import { analyzeDatabase, vacuumDatabase } from './maintain-database.ts'
import { startJobs } from './queue.ts'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(() => t.close())

/** Runs a job through pg-boss, as the schedule would, and waits for it to complete. */
async function runJob(name: string): Promise<string> {
  const jobs = await startJobs(t.store, { jobs: allJobs() })
  try {
    const id = await jobs.boss.send(name, {})
    let state = ''
    for (let i = 0; i < 200 && !['completed', 'failed'].includes(state); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      state = (await jobs.boss.getJobById(name, id!))?.state ?? ''
    }
    return state
  } finally {
    await jobs.stop()
  }
}

describe('database maintenance jobs', () => {
  it('refreshes the planner’s statistics, which a bulk insert leaves stale', async () => {
    await sql`CREATE TABLE maintenance_probe (n int)`.execute(t.store.db)
    try {
      await sql`INSERT INTO maintenance_probe SELECT generate_series(1, 5000)`.execute(t.store.db)
      const tuples = async () =>
        (
          await sql<{
            n: number
          }>`SELECT reltuples::int AS n FROM pg_class WHERE relname = 'maintenance_probe'`.execute(t.store.db)
        ).rows[0]?.n
      // Never analysed: PostgreSQL reports -1 (or 0 before version 14).
      assert.ok((await tuples())! <= 0)
      assert.equal(await runJob(analyzeDatabase.name), 'completed')
      assert.equal(await tuples(), 5000)
    } finally {
      await sql`DROP TABLE maintenance_probe`.execute(t.store.db)
    }
  })

  it('vacuums outside a transaction, as VACUUM requires', async () => {
    assert.equal(await runJob(vacuumDatabase.name), 'completed')
  })
})
