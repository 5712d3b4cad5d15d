import { type Kysely, sql } from 'kysely'

// A coordinator may keep a closed report past its desk's retention (a case still in court): it is
// then deleted at keep_until instead, if that is later.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE helpdesk_reports ADD COLUMN keep_until timestamptz`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE helpdesk_reports DROP COLUMN keep_until`.execute(db)
}
