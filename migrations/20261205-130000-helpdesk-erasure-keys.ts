import { type Kysely, sql } from 'kysely'

// Each report names its erasure key (src/platform/crypto/erasure-keys.ts): its content, files, thread
// and the writer's copies are locked with it as well as sealed, and retention destroys it. Reports
// stored before have none (null) and are sealed only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE helpdesk_reports ADD COLUMN erasure_key uuid`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE helpdesk_reports DROP COLUMN erasure_key`.execute(db)
}
