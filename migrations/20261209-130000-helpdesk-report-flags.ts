import { type Kysely, sql } from 'kysely'

// What makes a detention urgent about the person (under 18, a foreign citizen, health problems) is a
// triage fact like the category and the urgency: the queue shows it and filters by it without
// decrypting anything. Kept in clear only as codes from a fixed list (the check), never as free text;
// everything else written about the person stays sealed. The default is a constant, so adding the
// column rewrites no row; the check reads each once, and existing rows ('{}') all pass it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE helpdesk_reports ADD COLUMN flags text[] NOT NULL DEFAULT '{}'
    CONSTRAINT helpdesk_reports_flags_known CHECK (flags <@ ARRAY['minor', 'foreigner', 'health']::text[])`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE helpdesk_reports DROP COLUMN flags`.execute(db)
}
