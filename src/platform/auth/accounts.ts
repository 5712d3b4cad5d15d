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

/** Creates an account with a fresh key pair; returns its id and key pair. Run it inside a transaction. */
export async function createAccount(db: Db, account: NewAccount): Promise<{ id: string; keyPair: KeyPair }> {
  const keyPair = newKeyPair()
  const salt = newSalt()
  const wrappingKey = await deriveKey(account.password, salt)
  const { id } = await db
    .insertInto('users')
    .values({
      email: account.email,
      display_name: account.displayName,
      password_hash: await hashPassword(account.password),
      kdf_salt: salt,
      public_key: keyPair.publicKey,
      wrapped_private_key: secretSeal(keyPair.privateKey, wrappingKey),
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

/** Stores a confirmed TOTP secret, sealed to the user's own public key. */
export async function saveTotpSecret(
  db: Db,
  userId: string,
  publicKey: Buffer,
  secret: string,
  step: number,
) {
  await db
    .updateTable('users')
    .set({
      wrapped_totp_secret: boxSeal(Buffer.from(secret), publicKey),
      totp_enabled_at: new Date(),
      totp_last_step: step,
    })
    .where('id', '=', userId)
    .execute()
}

/** Sets a new password, re-wrapping the private key the session already holds. */
export async function changePassword(
  db: Db,
  userId: string,
  privateKey: Buffer,
  password: string,
): Promise<void> {
  const salt = newSalt()
  const wrappingKey = await deriveKey(password, salt)
  await db
    .updateTable('users')
    .set({
      password_hash: await hashPassword(password),
      kdf_salt: salt,
      wrapped_private_key: secretSeal(privateKey, wrappingKey),
    })
    .where('id', '=', userId)
    .execute()
}

/** Whether any account exists yet (the first-run path shows only while none does). */
export async function hasAnyAccount(db: Db): Promise<boolean> {
  return !!(await db.selectFrom('users').select('id').limit(1).executeTakeFirst())
}
