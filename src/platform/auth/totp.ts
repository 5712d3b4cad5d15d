/** TOTP (RFC 6238) second factor and one-time recovery codes. */
import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'
import { randomBytes, sha256 } from '../crypto/primitives.ts'
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

const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

function newRecoveryCode(): string {
  const bytes = randomBytes(10)
  const chars = [...bytes].map((byte) => CODE_ALPHABET[byte % CODE_ALPHABET.length])
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`
}

function normaliseCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '')
}

/** Replaces a user's recovery codes with ten new ones and returns them (shown once, stored hashed). */
export async function newRecoveryCodes(db: Db, userId: string): Promise<string[]> {
  const codes = Array.from({ length: 10 }, newRecoveryCode)
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute()
  await db
    .insertInto('recovery_codes')
    .values(codes.map((code) => ({ user_id: userId, code_hash: sha256(normaliseCode(code)) })))
    .execute()
  return codes
}

/** Uses up a recovery code; true if it was valid and unused. */
export async function useRecoveryCode(db: Db, userId: string, code: string): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', sha256(normaliseCode(code)))
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
