import { type Kysely, sql } from 'kysely'

// The audit log's row trigger refuses UPDATE and DELETE, but TRUNCATE fires no row triggers: it would
// empty the log in one statement (and so would TRUNCATE users CASCADE, which reaches it through its
// foreign key). A statement trigger refuses it for every role, the table's owner included; only
// someone who can drop the trigger itself (the owner, a superuser) gets past it, and the app's role
// is neither (see src/platform/db/privileges.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER audit_log_no_truncate ON audit_log`.execute(db)
}
