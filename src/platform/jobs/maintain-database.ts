/**
 * The embedded database runs no autovacuum (PGlite is PostgreSQL in one process, without background
 * workers): left alone, its planner would never learn the data's shape after a large import, and
 * deleted rows would never be reclaimed. These jobs do by schedule what autovacuum does on a native
 * server, where they are merely redundant: planner statistics every hour, a vacuum every night.
 */
import { sql } from 'kysely'
import { defineJob } from './queue.ts'

/** Hourly: refresh the planner's statistics (samples each table; about a second at a million rows). */
export const analyzeDatabase = defineJob({
  name: 'analyze-database',
  schedule: '7 * * * *',
  async handler(db) {
    await sql`ANALYZE`.execute(db)
  },
})

/** Nightly: reclaim deleted and updated rows' space for reuse (not VACUUM FULL: nothing is locked out). */
export const vacuumDatabase = defineJob({
  name: 'vacuum-database',
  schedule: '17 3 * * *',
  async handler(db) {
    await sql`VACUUM`.execute(db)
  },
})
