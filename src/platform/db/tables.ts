import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type CreatedAt = ColumnType<Date, never, never>

/**
 * Every table Lifeline's code may touch. Modules add their own tables by augmenting this interface
 * (`declare module '../../platform/db/tables.ts' { interface Database { … } }`), so the platform never
 * has to know about them.
 */
export interface Database {
  users: UsersTable
  user_roles: { user_id: string; role: string }
  recovery_codes: { id: Generated<number>; user_id: string; code_hash: string; used_at: Date | null }
  sessions: SessionsTable
  invites: InvitesTable
  login_failures: { id: Generated<number>; subject: string; at: Generated<Date> }
  audit_log: AuditTable
  settings: { key: string; value: string }
  desks: {
    id: Generated<string>
    slug: string
    name: string
    created_at: CreatedAt
    /** Bumped by triggers whenever who the desk's records are sealed to changes (sealed-batch.ts). */
    membership_version: Generated<number>
  }
  desk_members: { desk_id: string; user_id: string; added_at: CreatedAt }
  sealed_records: {
    id: Generated<string>
    desk_id: string
    kind: string
    /** How it is sealed (sealed-support.ts RecordFormat): 1 before binding, 2 bound to its record. */
    format: Generated<number>
    ciphertext: Buffer
    /** Set by the caller when the exact time would say too much (a help-desk report's). */
    created_at: ColumnType<Date, Date | undefined, never>
  }
  record_keys: { record_id: string; user_id: string; wrapped_key: Buffer }
  passkeys: PasskeysTable
  /** Erasure keys made ahead, not yet used (crypto/erasure-key-pool.ts). */
  erasure_key_pool: { id: string }
}

export interface PasskeysTable {
  /** The WebAuthn credential id, base64url. */
  id: string
  user_id: string
  public_key: Buffer
  counter: Generated<number>
  transports: Generated<string[]>
  name: string
  created_at: CreatedAt
  last_used_at: Date | null
}

export interface UsersTable {
  id: Generated<string>
  email: string
  display_name: string
  /** key_wrap 1: an argon2id string; 2: a MAC, under a server-key-derived key, of half the stretched password. */
  password_hash: string
  /** Salt for the password-derived key that wraps the private key. */
  kdf_salt: Buffer
  public_key: Buffer
  /**
   * X25519 private key, never stored in clear: key_wrap 1 sealed under the password-derived key alone
   * (accounts from before the server key); 2 under a key from both the password and the server key.
   */
  wrapped_private_key: Buffer
  key_wrap: Generated<number>
  /** Argon2id passes and memory (bytes) of the password (key_wrap 2); null for key_wrap 1. */
  kdf_ops: number | null
  kdf_mem: number | null
  /** TOTP secret, sealed to the user's own public key; null until enrolled. */
  wrapped_totp_secret: Buffer | null
  totp_enabled_at: Date | null
  /** The last TOTP time step accepted, so a code can't be replayed. */
  totp_last_step: number | null
  locale: string | null
  disabled_at: Date | null
  created_at: CreatedAt
}

export interface SessionsTable {
  /** SHA-256 of the session token; the token itself lives only in the cookie. */
  id: string
  user_id: string
  /** 'second-factor' until TOTP is checked, 'enrol' while TOTP must be set up, then 'full'. */
  stage: string
  /** The user's unwrapped secrets, sealed under a key that exists only in the session cookie. */
  secrets: Buffer
  created_at: CreatedAt
  last_seen_at: Timestamp
  expires_at: Date
}

export interface InvitesTable {
  id: Generated<string>
  token_hash: string
  /** 'setup' creates the first admin; 'invite' signs up a staff member with `roles`; 'reset' renews `user_id`'s password. */
  kind: string
  email: string | null
  roles: string[]
  created_by: string | null
  /** For a reset link: whose access it renews. */
  user_id: ColumnType<string | null, string | null | undefined, never>
  created_at: CreatedAt
  expires_at: Date
  used_at: Date | null
}

export interface AuditTable {
  id: Generated<number>
  at: CreatedAt
  actor_id: string | null
  action: string
  target: string | null
  detail: ColumnType<Record<string, unknown>, string | undefined, never>
}
