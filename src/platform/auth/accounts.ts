/**
 * Staff accounts. Each has an X25519 key pair for sealed data; the private key is stored only wrapped
 * under a key from the password and the server key together (password-material.ts), so neither a
 * phished password nor a copy of the database alone can use it.
 */
import { randomUUID } from 'node:crypto'
import { audit } from '../audit.ts'
import { boxOpen, boxSeal, type KeyPair, newKeyPair } from '../crypto/primitives.ts'
import { rewrapMember, upgradeRecords } from '../crypto/sealed-upgrade.ts'
import { type ServerKey, serverKeyOf } from '../crypto/server-key.ts'
import type { Db } from '../db/database.ts'
import { authErrors } from './errors.ts'
import {
  decoyCheck,
  isBelowCurrentCost,
  makeMaterial,
  openWithPassword,
  type PasswordMaterial,
} from './password-material.ts'

export type { PasswordMaterial } from './password-material.ts'

/** What a new account needs. */
export type NewAccount = { email: string; displayName: string; password: string; roles: readonly string[] }

/** A new account with its id, key pair and password material, ready for `insertAccount`. */
export type PreparedAccount = NewAccount & { id: string; keyPair: KeyPair; material: PasswordMaterial }

/**
 * Makes the key pair and password material of a new account. Argon2 takes a while: do this before
 * opening a transaction, so the embedded database's single connection isn't held meanwhile.
 */
export async function prepareAccount(serverKey: ServerKey, account: NewAccount): Promise<PreparedAccount> {
  const id = randomUUID()
  const keyPair = newKeyPair()
  const material = await makeMaterial(serverKey, { userId: id, password: account.password, keyPair })
  return { ...account, id, keyPair, material }
}

/** Creates an account; returns its id and key pair. `serverKey` is the store's (needed inside a transaction). */
export async function createAccount(
  db: Db,
  account: NewAccount,
  serverKey: ServerKey = serverKeyOf(db),
): Promise<{ id: string; keyPair: KeyPair }> {
  return insertAccount(db, await prepareAccount(serverKey, account))
}

/** The columns a password's material fills. */
function materialColumns(material: PasswordMaterial) {
  return {
    password_hash: material.passwordHash,
    kdf_salt: material.salt,
    kdf_ops: material.cost.ops,
    kdf_mem: material.cost.mem,
    wrapped_private_key: material.wrappedPrivateKey,
    key_wrap: 2,
  }
}

/** Stores a prepared account and its roles. Run it inside a transaction. */
export async function insertAccount(
  db: Db,
  account: PreparedAccount,
): Promise<{ id: string; keyPair: KeyPair }> {
  const { id, keyPair, material } = account
  await db
    .insertInto('users')
    .values({
      id,
      email: account.email,
      display_name: account.displayName,
      public_key: keyPair.publicKey,
      ...materialColumns(material),
    })
    .execute()
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

/**
 * Raised when a member's password is right but the private key it opens doesn't belong to the account:
 * the stored public key or wrapped key was replaced, or the server key file is another one. Sign-in is
 * refused and the event audited (`account.key_mismatch`), so an administrator looks into it.
 */
export const keyMismatch = () => authErrors.ERR_ACCOUNT_KEY_MISMATCH()

/**
 * Checks e-mail and password; on success opens the private key (and TOTP secret) with it. An account
 * from before the server key, or whose password cost is below today's, is brought up to date here:
 * the only moment the password is at hand. Throws `keyMismatch()` (audited) on a key that isn't the account's.
 */
export async function unlockAccount(db: Db, email: string, password: string): Promise<Unlocked | null> {
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst()
  if (!user) {
    await decoyCheck(password)
    return null
  }
  const serverKey = serverKeyOf(db)
  const opened = await openWithPassword(
    serverKey,
    {
      userId: user.id,
      keyWrap: user.key_wrap,
      passwordHash: user.password_hash,
      salt: user.kdf_salt,
      cost: user.kdf_ops && user.kdf_mem ? { ops: user.kdf_ops, mem: user.kdf_mem } : null,
      publicKey: user.public_key,
      wrappedPrivateKey: user.wrapped_private_key,
    },
    password,
  )
  if (opened.outcome === 'wrong') return null
  if (opened.outcome === 'mismatch') {
    await audit(db, { actorId: user.id, action: 'account.key_mismatch', target: user.id })
    throw keyMismatch()
  }
  let keyPair = opened.keyPair
  let wrappedTotp = user.wrapped_totp_secret
  if (opened.legacy) {
    keyPair = await replaceKeyPair(db, serverKey, { userId: user.id, password, from: keyPair })
    // Re-sealed to the new key pair with everything else.
    wrappedTotp = (
      await db
        .selectFrom('users')
        .select('wrapped_totp_secret')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow()
    ).wrapped_totp_secret
  } else if (!opened.cost || isBelowCurrentCost(opened.cost)) {
    await savePassword(db, user.id, await makeMaterial(serverKey, { userId: user.id, password, keyPair }))
  }
  const roles = await db.selectFrom('user_roles').select('role').where('user_id', '=', user.id).execute()
  return {
    id: user.id,
    roles: roles.map((row) => row.role),
    keyPair,
    totpSecret: wrappedTotp ? boxOpen(wrappedTotp, keyPair).toString('utf8') : null,
    disabled: !!user.disabled_at,
  }
}

/**
 * Gives a member a new key pair and password material: every record they hold is re-sealed in the
 * current format and re-wrapped to the new pair, the TOTP secret re-sealed, the old wrapped private
 * key overwritten. A copy of the database taken afterwards opens nothing with the old password, and
 * one taken before needs the server key too. Returns the new pair.
 */
export async function replaceKeyPair(
  db: Db,
  serverKey: ServerKey,
  change: {
    userId: string
    password: string
    from: KeyPair
    /** More to do in the same transaction (end other sessions, hand this one the new key). */
    also?: (trx: Db, to: KeyPair) => Promise<void>
  },
): Promise<KeyPair> {
  const { userId, from } = change
  // Format-1 records first, so every wrap re-made below is bound to its record and member.
  await upgradeRecords(db, { userId, keyPair: from })
  const to = newKeyPair()
  const material = await makeMaterial(serverKey, { userId, password: change.password, keyPair: to })
  await db.transaction().execute(async (trx) => {
    // The row first: a concurrent change of the same account waits here, not halfway through its wraps.
    await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute()
    const kept = await rewrapMember(trx, { userId, from, to })
    await trx
      .updateTable('users')
      .set({ public_key: to.publicKey, ...materialColumns(material) })
      .where('id', '=', userId)
      .execute()
    await audit(trx, {
      actorId: userId,
      action: 'account.keys_replaced',
      target: userId,
      detail: { wraps: kept },
    })
  })
  return to
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

/** Stores a new password's material (see `makeMaterial`) for the same key pair. */
export async function savePassword(db: Db, userId: string, material: PasswordMaterial): Promise<void> {
  await db.updateTable('users').set(materialColumns(material)).where('id', '=', userId).execute()
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
      public_key: keyPair.publicKey,
      ...materialColumns(material),
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
