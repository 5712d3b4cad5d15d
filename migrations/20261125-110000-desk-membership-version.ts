import { type Kysely, sql } from 'kysely'

// Each desk counts the changes to who its records are sealed to: a member joining or leaving, or a
// member's key pair or account state changing. Triggers keep the count, so no code path can forget.
// Sealing can then use recipients read earlier, in one statement that checks the count under the
// desk's share lock (see src/platform/crypto/sealed-batch.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE desks ADD COLUMN membership_version bigint NOT NULL DEFAULT 0;

    CREATE FUNCTION desks_membership_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE desks SET membership_version = membership_version + 1
      WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.desk_id ELSE NEW.desk_id END;
      RETURN NULL;
    END $$;
    CREATE TRIGGER desk_members_changed AFTER INSERT OR DELETE ON desk_members
      FOR EACH ROW EXECUTE FUNCTION desks_membership_changed();

    CREATE FUNCTION desks_member_account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE desks SET membership_version = membership_version + 1
      WHERE id IN (SELECT desk_id FROM desk_members WHERE user_id = NEW.id);
      RETURN NULL;
    END $$;
    CREATE TRIGGER users_key_or_state_changed AFTER UPDATE OF public_key, disabled_at ON users
      FOR EACH ROW WHEN (OLD.public_key IS DISTINCT FROM NEW.public_key OR OLD.disabled_at IS DISTINCT FROM NEW.disabled_at)
      EXECUTE FUNCTION desks_member_account_changed();
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER users_key_or_state_changed ON users;
    DROP FUNCTION desks_member_account_changed();
    DROP TRIGGER desk_members_changed ON desk_members;
    DROP FUNCTION desks_membership_changed();
    ALTER TABLE desks DROP COLUMN membership_version;
  `.execute(db)
}
