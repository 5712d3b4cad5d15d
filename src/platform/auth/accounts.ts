/**
 * Staff accounts. Each has an X25519 key pair for sealed data; the private key is stored only sealed
 * under a key derived from the password (argon2id), so no one without the password can use it.
 */

import {
  boxOpen,
  boxSeal,
  deriveKey,
  hashPassword,
  type KeyPair,
  keyPairFromPrivate,
  newKeyPair,
  newSalt,
  secretOpen,
  secretSeal,
  verifyPassword,
} from '../crypto/primitives.ts'
import type { Db } from '../db/database.ts'

/** What a new account needs. */
export type NewAccount = { email: string; displayName: string; password: string; roles: readonly string[] }

// Checked against when no account matches, so a wrong e-mail costs as long as a wrong password.
const decoyHash = hashPassword('lifeline-decoy-password')

/** The stored form of a password: its hash, and the private key wrapped under a key derived from it. */
export type PasswordMaterial = { passwordHash: string; salt: Buffer; wrappedPrivateKey: Buffer }

/**
 * Hashes a password and wraps the private key under it. Argon2 takes a while: do this before opening a
 * transaction, so the embedded database's single connection isn't held meanwhile.
 */
export async function passwordMaterial(password: string, privateKey: Buffer): Promise<PasswordMaterial> {
  const salt = newSalt()
  const [wrappingKey, passwordHash] = await Promise.all([deriveKey(password, salt), hashPassword(password)])
  return { passwordHash, salt, wrappedPrivateKey: secretSeal(privateKey, wrappingKey) }
}

/** A new account with its key pair and password material, ready for `insertAccount`. */
export type PreparedAccount = NewAccount & { keyPair: KeyPair; material: PasswordMaterial }

/** Makes the key pair and password material of a new account (slow: outside any transaction). */
export async function prepareAccount(account: NewAccount): Promise<PreparedAccount> {
  const keyPair = newKeyPair()
  return { ...account, keyPair, material: await passwordMaterial(account.password, keyPair.privateKey) }
}

/** Creates an account; returns its id and key pair. */
export async function createAccount(db: Db, account: NewAccount): Promise<{ id: string; keyPair: KeyPair }> {
  return insertAccount(db, await prepareAccount(account))
}

/** Stores a prepared account and its roles. Run it inside a transaction. */
export async function insertAccount(
  db: Db,
  account: PreparedAccount,
): Promise<{ id: string; keyPair: KeyPair }> {
  const { keyPair, material } = account
  const { id } = await db
    .insertInto('users')
    .values({
      email: account.email,
      display_name: account.displayName,
      password_hash: material.passwordHash,
      kdf_salt: material.salt,
      public_key: keyPair.publicKey,
      wrapped_private_key: material.wrappedPrivateKey,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  if (account.roles.length) {
    await db
      .insertInto('user_roles')
      .values(account.roles.map((role) => ({ user_id: id, role })))
      .execute()
  }
  return { id, keyPair }
}

/** A user whose password checked out, with their key pair and TOTP secret opened. */
export type Unlocked = {
  id: string
  roles: string[]
  keyPair: KeyPair
  totpSecret: string | null
  disabled: boolean
}

/** Checks e-mail and password; on success opens the private key (and TOTP secret) with it. */
export async function unlockAccount(db: Db, email: string, password: string): Promise<Unlocked | null> {
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst()
  if (!user) {
    await verifyPassword(await decoyHash, password)
    return null
  }
  if (!(await verifyPassword(user.password_hash, password))) return null
  const keyPair = keyPairFromPrivate(
    secretOpen(user.wrapped_private_key, await deriveKey(password, user.kdf_salt)),
  )
  const roles = await db.selectFrom('user_roles').select('role').where('user_id', '=', user.id).execute()
  return {
    id: user.id,
    roles: roles.map((row) => row.role),
    keyPair,
    totpSecret: user.wrapped_totp_secret ? boxOpen(user.wrapped_totp_secret, keyPair).toString('utf8') : null,
    disabled: !!user.disabled_at,
  }
}

/** Stores a confirmed TOTP secret, sealed to the user's own public key; false if one is already set. */
export async function saveTotpSecret(
  db: Db,
  userId: string,
  publicKey: Buffer,
  secret: string,
  step: number,
): Promise<boolean> {
  // Only where none is set: a second, older enrolment page must not replace a working factor.
  const result = await db
    .updateTable('users')
    .set({
      wrapped_totp_secret: boxSeal(Buffer.from(secret), publicKey),
      totp_enabled_at: new Date(),
      totp_last_step: step,
    })
    .where('id', '=', userId)
    .where('wrapped_totp_secret', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Stores a new password's material (see `passwordMaterial`), re-wrapping the same private key. */
export async function savePassword(db: Db, userId: string, material: PasswordMaterial): Promise<void> {
  await db
    .updateTable('users')
    .set({
      password_hash: material.passwordHash,
      kdf_salt: material.salt,
      wrapped_private_key: material.wrappedPrivateKey,
    })
    .where('id', '=', userId)
    .execute()
}

/**
 * Gives a member who lost their password a new one and a new key pair. Without escrow the old private
 * key is gone: their keys to sealed records are deleted (a desk member re-grants them), and so are
 * their second factors and sessions, which the new password must set up again.
 */
export async function resetAccount(
  db: Db,
  userId: string,
  keyPair: KeyPair,
  material: PasswordMaterial,
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      password_hash: material.passwordHash,
      kdf_salt: material.salt,
      public_key: keyPair.publicKey,
      wrapped_private_key: material.wrappedPrivateKey,
      wrapped_totp_secret: null,
      totp_enabled_at: null,
      totp_last_step: null,
    })
    .where('id', '=', userId)
    .execute()
  for (const table of ['recovery_codes', 'passkeys', 'sessions', 'record_keys'] as const) {
    await db.deleteFrom(table).where('user_id', '=', userId).execute()
  }
}

/** Whether any account exists yet (the first-run path shows only while none does). */
export async function hasAnyAccount(db: Db): Promise<boolean> {
  return !!(await db.selectFrom('users').select('id').limit(1).executeTakeFirst())
}
