import { type Kysely, sql } from 'kysely'

// Each report's lock format (src/modules/helpdesk/erasure.ts): 1 for every report stored so far
// (locked with secretSeal under its erasure key, or not locked when it has none), 2 for new ones
// (padded, and bound to the report and the part). Added with a default, so no row is rewritten.
//
// repeat_check: a hash of the report's content keyed by its form's token, so the same form sent again
// within minutes shows the receipt only if it says the same (intake.ts); without the token it tells
// nothing of the content.
//
// The index serves the sweep of orphaned erasure keys, which asks which keys reports name.
//
// The receipt and proof-of-work secrets kept in settings are no longer used: their keys now come
// from the server key, outside the database (src/platform/crypto/server-key.ts), and these go.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE helpdesk_reports ADD COLUMN lock_version smallint NOT NULL DEFAULT 1
    CHECK (lock_version IN (1, 2))`.execute(db)
  await sql`ALTER TABLE helpdesk_reports ALTER COLUMN lock_version SET DEFAULT 2`.execute(db)
  await sql`ALTER TABLE helpdesk_reports ADD COLUMN repeat_check bytea`.execute(db)
  await sql`CREATE INDEX helpdesk_reports_erasure_key ON helpdesk_reports (erasure_key)
    WHERE erasure_key IS NOT NULL`.execute(db)
  await sql`DELETE FROM settings WHERE key IN
    ('helpdesk_receipt_key', 'helpdesk_pow_signature_key', 'helpdesk_pow_key_signature_key')`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX helpdesk_reports_erasure_key`.execute(db)
  await sql`ALTER TABLE helpdesk_reports DROP COLUMN repeat_check`.execute(db)
  await sql`ALTER TABLE helpdesk_reports DROP COLUMN lock_version`.execute(db)
}
