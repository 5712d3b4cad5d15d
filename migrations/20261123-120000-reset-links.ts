import { type Kysely, sql } from 'kysely'

// Reset links: an admin gives a member who forgot their password a way back in, with a new key pair.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE invites DROP CONSTRAINT invites_kind_check;
    ALTER TABLE invites ADD CONSTRAINT invites_kind_check CHECK (kind IN ('setup', 'invite', 'reset'));
    ALTER TABLE invites ADD COLUMN user_id uuid REFERENCES users ON DELETE CASCADE;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DELETE FROM invites WHERE kind = 'reset';
    ALTER TABLE invites DROP COLUMN user_id;
    ALTER TABLE invites DROP CONSTRAINT invites_kind_check;
    ALTER TABLE invites ADD CONSTRAINT invites_kind_check CHECK (kind IN ('setup', 'invite'));
  `.execute(db)
}
