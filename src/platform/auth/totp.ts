/** TOTP (RFC 6238) second factor and one-time recovery codes. */
import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'
import sodium from 'sodium-native'
import { mac, sha256 } from '../crypto/primitives.ts'
import { serverKeyOf } from '../crypto/server-key.ts'
import type { Db } from '../db/database.ts'

const PERIOD = 30

function totp(secret: string, label = 'Lifeline'): TOTP {
  return new TOTP({ issuer: 'Lifeline', label, secret: Secret.fromBase32(secret), period: PERIOD, digits: 6 })
}

/** A new random TOTP secret in base32 (160 bits). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

/** The otpauth:// URI and its QR code as an inline SVG (no image request, no script). */
export async function totpEnrolment(secret: string, email: string): Promise<{ uri: string; svg: string }> {
  const uri = totp(secret, email).toString()
  const svg = await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })
  return { uri, svg }
}

/**
 * Checks a code, allowing one step of clock drift. Returns the time step it matched, or null.
 * A step at or before `lastStep` is refused, so an overheard code can't be used twice.
 */
export function checkTotp(secret: string, code: string, lastStep: number | null): number | null {
  const token = code.replace(/\s+/g, '')
  if (!/^\d{6}$/.test(token)) return null
  const delta = totp(secret).validate({ token, window: 1 })
  if (delta === null) return null
  const step = Math.floor(Date.now() / 1000 / PERIOD) + delta
  return lastStep !== null && step <= lastStep ? null : step
}

/** Records `step` as the last one used, unless a later or equal one already was; true if it was claimed. */
export async function claimTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** The current code for a secret (for tests and the CLI). */
export function currentTotp(secret: string): string {
  return totp(secret).generate()
}

// No 0/o, 1/i/l: nothing that reads as another symbol. 31 symbols, about 4.95 bits each.
const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'
/** Recovery codes: four groups of five symbols, about 99 bits, typed in readable pieces. */
export const RECOVERY_CODE_GROUPS = 4
const GROUP_LENGTH = 5
/** How many recovery codes a member gets at a time. */
export const RECOVERY_CODE_COUNT = 10
// New codes are stored as `mac:` and a BLAKE2b MAC under a key derived from the server key. Codes made
// before were 10 symbols (49 bits) stored as bare SHA-256 hex: a copy of the database could try all of
// them offline. Those rows still work, once each, until the member makes new codes.
const MAC_FORM = 'mac:'

/** A new recovery code, e.g. `k7m2p-xq9ra-4hbfd-w3nce`; every symbol equally likely. */
export function newRecoveryCode(): string {
  // randombytes_uniform draws again past the largest multiple of 31, so no symbol is likelier (a byte
  // modulo 31 made eight of them 1/8 likelier).
  const symbols = Array.from(
    { length: RECOVERY_CODE_GROUPS * GROUP_LENGTH },
    () => CODE_ALPHABET[sodium.randombytes_uniform(CODE_ALPHABET.length)],
  ).join('')
  return symbols.match(new RegExp(`.{${GROUP_LENGTH}}`, 'g'))!.join('-')
}

function normaliseCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '')
}

/** The key recovery codes are MAC'd under: look it up on the store's db, before any transaction. */
export function recoveryCodeKey(db: Db): Buffer {
  return serverKeyOf(db).derive('recovery codes')
}

/** What the database keeps of a recovery code: its MAC under `key`, never the code. */
export function storedRecoveryCode(code: string, key: Buffer): string {
  return `${MAC_FORM}${mac(normaliseCode(code), key).toString('base64url')}`
}

/**
 * Replaces a user's recovery codes (old-style ones too) with ten new ones and returns them (shown
 * once, stored MAC'd). `key` is `recoveryCodeKey(store.db)`: a transaction can't look it up.
 */
export async function newRecoveryCodes(db: Db, userId: string, key: Buffer): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode)
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute()
  await db
    .insertInto('recovery_codes')
    .values(codes.map((code) => ({ user_id: userId, code_hash: storedRecoveryCode(code, key) })))
    .execute()
  return codes
}

/** Uses up a recovery code, new or old-style; true if it was valid and unused. */
export async function useRecoveryCode(
  db: Db,
  userId: string,
  code: string,
  key: Buffer = recoveryCodeKey(db),
): Promise<boolean> {
  // An old-style row holds SHA-256 hex, a new one starts with `mac:`: each matches only its own form.
  const forms = [storedRecoveryCode(code, key), sha256(normaliseCode(code))]
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('code_hash', 'in', forms)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** How many unused recovery codes a user has left. */
export async function recoveryCodesLeft(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}
