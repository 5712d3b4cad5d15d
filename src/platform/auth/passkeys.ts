/**
 * Passkeys (WebAuthn) as an optional second factor. They need JavaScript and a browser that has them,
 * so TOTP, which works as a plain form, stays the factor every sealed-data role must have.
 */
import { isIP } from 'node:net'
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server'
import type { Db } from '../db/database.ts'

/** The relying party: Lifeline's public address. */
export type RelyingParty = { id: string; origin: string }

/** The relying party for a public URL, or null where passkeys can't work (an IP address is no RP ID). */
export function relyingParty(publicUrl: string): RelyingParty | null {
  const url = new URL(publicUrl)
  return isIP(url.hostname) ? null : { id: url.hostname, origin: url.origin }
}

/** A user's passkeys, newest first. */
export function listPasskeys(db: Db, userId: string) {
  return db
    .selectFrom('passkeys')
    .select(['id', 'name', 'created_at', 'last_used_at', 'transports'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute()
}

/** Options for the browser to create a passkey; the caller keeps `challenge` in the session. */
export async function registrationOptions(
  db: Db,
  rp: RelyingParty,
  user: { id: string; email: string; name: string },
) {
  const existing = await listPasskeys(db, user.id)
  return generateRegistrationOptions({
    rpName: 'Lifeline',
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(user.id),
    attestationType: 'none',
    excludeCredentials: existing.map((key) => ({ id: key.id, transports: key.transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  })
}

/** A new passkey the browser created, checked and ready to store. */
export type NewPasskey = { id: string; publicKey: Buffer; counter: number; transports: string[] }

/** Checks the browser's answer to `registrationOptions`; null if it doesn't verify. */
export async function verifyNewPasskey(
  rp: RelyingParty,
  options: { challenge: string; response: RegistrationResponseJSON },
): Promise<NewPasskey | null> {
  const verification = await verifyRegistrationResponse({
    response: options.response,
    expectedChallenge: options.challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    requireUserVerification: false,
  }).catch(() => null)
  if (!verification?.verified) return null
  const { credential } = verification.registrationInfo
  return {
    id: credential.id,
    publicKey: Buffer.from(credential.publicKey),
    counter: credential.counter,
    transports: credential.transports ?? [],
  }
}

/** Stores a verified passkey; false if that credential is already registered. */
export async function storePasskey(db: Db, userId: string, key: NewPasskey, name: string): Promise<boolean> {
  const result = await db
    .insertInto('passkeys')
    .values({
      id: key.id,
      user_id: userId,
      public_key: key.publicKey,
      counter: key.counter,
      transports: key.transports,
      name,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1
}

/** Options for the browser to sign in with one of the user's passkeys. */
export async function authenticationOptions(db: Db, rp: RelyingParty, userId: string) {
  const keys = await listPasskeys(db, userId)
  return generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials: keys.map((key) => ({ id: key.id, transports: key.transports as never })),
    userVerification: 'preferred',
  })
}

/** Checks a passkey sign-in for this user; updates the signature counter. */
export async function checkPasskey(
  db: Db,
  rp: RelyingParty,
  options: { userId: string; challenge: string; response: AuthenticationResponseJSON },
): Promise<boolean> {
  const key = await db
    .selectFrom('passkeys')
    .selectAll()
    .where('id', '=', String(options.response.id))
    .where('user_id', '=', options.userId)
    .executeTakeFirst()
  if (!key) return false
  const verification = await verifyAuthenticationResponse({
    response: options.response,
    expectedChallenge: options.challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    credential: {
      id: key.id,
      publicKey: new Uint8Array(key.public_key),
      counter: key.counter,
      transports: key.transports as never,
    },
    requireUserVerification: false,
  }).catch(() => null)
  if (!verification?.verified) return false
  await db
    .updateTable('passkeys')
    .set({ counter: verification.authenticationInfo.newCounter, last_used_at: new Date() })
    .where('id', '=', key.id)
    .execute()
  return true
}

/** Removes one of the user's passkeys; false when they have none by that id. */
export async function removePasskey(db: Db, userId: string, id: string): Promise<boolean> {
  const removed = await db
    .deleteFrom('passkeys')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return Number(removed.numDeletedRows) > 0
}

/** Whether a user has any passkey. */
export async function hasPasskey(db: Db, userId: string): Promise<boolean> {
  return !!(await db
    .selectFrom('passkeys')
    .select('id')
    .where('user_id', '=', userId)
    .limit(1)
    .executeTakeFirst())
}
