import { type Kysely, sql } from 'kysely'

// The keys behind sign-in throttling's hashes, device cookies and form tokens were kept in `settings`,
// so a copy of the database could match the address hashes against every IPv4 address and forge device
// cookies. They are now derived from the server key, which lives outside the database: the old keys
// are deleted, and with them the failures hashed under them (they throttle for an hour at most and
// can't be rehashed). Browsers' device cookies and open forms made under the old keys stop working once.
const OLD_KEYS = ['address_hash_key', 'signin_subject_key', 'device_cookie_key', 'csrf_key']

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM settings WHERE key IN (${sql.join(OLD_KEYS)})`.execute(db)
  await sql`DELETE FROM login_failures`.execute(db)
}

export async function down(): Promise<void> {
  // Nothing to restore: the old keys are gone, and nothing reads them.
}
