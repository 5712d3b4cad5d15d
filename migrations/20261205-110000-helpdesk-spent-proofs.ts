import { type Kysely, sql } from 'kysely'

// A solved proof of work (src/modules/helpdesk/proof-of-work.ts) is accepted once: its challenge's
// signature is kept here until the challenge would have expired anyway.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE helpdesk_spent_proofs (
      signature text PRIMARY KEY,
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX helpdesk_spent_proofs_expiry ON helpdesk_spent_proofs (expires_at);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE helpdesk_spent_proofs`.execute(db)
}
