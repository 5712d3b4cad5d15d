import { type Kysely, sql } from 'kysely'

// Erasure keys made ahead of need (src/platform/crypto/erasure-key-pool.ts): the ids of key files no
// item uses yet. An arriving report takes one and its row goes, so no key file is made, and stamped,
// at the moment a report comes in. Nothing else is kept: no times, no order.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE erasure_key_pool (id uuid PRIMARY KEY)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE erasure_key_pool`.execute(db)
}
