import { type Kysely, sql } from 'kysely'

// Sealed records gain a format: 1 for those sealed before binding (XSalsa20-Poly1305, bare key wraps),
// 2 for content bound to its record, desk and kind and wraps naming their record and member. Old
// records are upgraded when a member who holds them signs in (sealed-upgrade.ts).
//
// Members' private keys gain a second wrapping: `key_wrap` 2 means wrapped under the password and the
// server key (a file outside the database), with the password's Argon2id cost stored per member
// (`kdf_ops`, `kdf_mem`) so it can rise later. Members still at 1 are moved over at their next sign-in,
// with a new key pair.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE sealed_records ADD COLUMN IF NOT EXISTS format smallint NOT NULL DEFAULT 1`.execute(
    db,
  )
  await sql`ALTER TABLE sealed_records ALTER COLUMN format SET DEFAULT 2`.execute(db)
  await sql`ALTER TABLE users ADD COLUMN IF NOT EXISTS key_wrap smallint NOT NULL DEFAULT 1`.execute(db)
  await sql`ALTER TABLE users ADD COLUMN IF NOT EXISTS kdf_ops integer`.execute(db)
  await sql`ALTER TABLE users ADD COLUMN IF NOT EXISTS kdf_mem bigint`.execute(db)
  await sql`CREATE INDEX IF NOT EXISTS sealed_records_format_1 ON sealed_records (id) WHERE format = 1`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS sealed_records_format_1`.execute(db)
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS kdf_mem`.execute(db)
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS kdf_ops`.execute(db)
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS key_wrap`.execute(db)
  await sql`ALTER TABLE sealed_records DROP COLUMN IF EXISTS format`.execute(db)
}
