import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Trigram similarity for fuzzy search of names and places; a trusted extension since PostgreSQL 13.
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL UNIQUE CHECK (email = lower(email)),
      display_name text NOT NULL,
      password_hash text NOT NULL,
      kdf_salt bytea NOT NULL,
      public_key bytea NOT NULL,
      wrapped_private_key bytea NOT NULL,
      wrapped_totp_secret bytea,
      totp_enabled_at timestamptz,
      totp_last_step bigint,
      locale text,
      disabled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE user_roles (
      user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
      role text NOT NULL,
      PRIMARY KEY (user_id, role)
    );
    CREATE TABLE recovery_codes (
      id serial PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
      code_hash text NOT NULL,
      used_at timestamptz
    );
    CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
    CREATE TABLE sessions (
      id text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
      stage text NOT NULL,
      secrets bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX sessions_user ON sessions (user_id);
    CREATE TABLE invites (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      token_hash text NOT NULL UNIQUE,
      kind text NOT NULL CHECK (kind IN ('setup', 'invite')),
      email text,
      roles text[] NOT NULL DEFAULT '{}',
      created_by uuid REFERENCES users ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    );
    CREATE TABLE login_failures (
      id bigserial PRIMARY KEY,
      subject text NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX login_failures_subject ON login_failures (subject, at);
    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_id uuid REFERENCES users ON DELETE SET NULL,
      action text NOT NULL,
      target text,
      detail jsonb NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_log_at ON audit_log (at DESC);
    CREATE INDEX audit_log_action ON audit_log (action, at DESC);
    -- The audit log is append-only: no role the app uses may change or remove an entry.
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only';
    END $$;
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
    CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);
    CREATE TABLE desks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE desk_members (
      desk_id uuid NOT NULL REFERENCES desks ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
      added_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (desk_id, user_id)
    );
    CREATE TABLE sealed_records (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      desk_id uuid NOT NULL REFERENCES desks ON DELETE CASCADE,
      kind text NOT NULL,
      ciphertext bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX sealed_records_desk ON sealed_records (desk_id);
    CREATE TABLE record_keys (
      record_id uuid NOT NULL REFERENCES sealed_records ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
      wrapped_key bytea NOT NULL,
      PRIMARY KEY (record_id, user_id)
    );
    CREATE INDEX record_keys_user ON record_keys (user_id);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE record_keys, sealed_records, desk_members, desks, settings, audit_log, login_failures,
      invites, sessions, recovery_codes, user_roles, users;
    DROP FUNCTION audit_log_append_only();
  `.execute(db)
}
