import { type Kysely, sql } from 'kysely'

// Sign-in failures were counted under `account:<what was typed as the e-mail>`, sometimes a password
// typed in the wrong field; they are now counted under a keyed hash of it. The rows in clear can't be
// rehashed here (the key lives with the app), and they only throttle for the next hour: deleted.
//
// The member's notice after signing in counts the audited failures on their account since their
// previous sign-in: an index on (target, action, id) keeps that to a few index entries.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM login_failures WHERE subject LIKE 'account:%'`.execute(db)
  await sql`CREATE INDEX IF NOT EXISTS audit_log_target ON audit_log (target, action, id)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS audit_log_target`.execute(db)
}
