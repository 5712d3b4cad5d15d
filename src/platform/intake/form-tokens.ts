/**
 * One-time form tokens, for public forms that must not be stored twice (a double click, a reload, a
 * browser sending again after a lost answer). Each form page carries a fresh random token in a hidden
 * field; the intake keeps only a keyed hash of it (`formTokenHash`), unique per item, so a second post
 * with the same token finds the first instead of storing another. What a repeat gets back is the
 * intake's choice (double-submit.ts helps tell a true repeat from a stale page).
 */
import { z } from 'zod'
import { keyedHash, randomBytes } from '../crypto/primitives.ts'

/** What a token looks like: 16 random bytes in base64url. */
export const FORM_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/

/** A fresh one-time token for a form. */
export function newFormToken(): string {
  return randomBytes(16).toString('base64url')
}

/** The schema of a form's `token` field; `expired` is the message key for a missing or malformed one. */
export function formTokenField(expired: string) {
  return z.string({ error: expired }).regex(FORM_TOKEN_PATTERN, expired)
}

/** The token a refused form may keep on its next try: the one it sent, if it is well formed. */
export function keptFormToken(body: unknown): string | undefined {
  const token = (body as Record<string, unknown> | null | undefined)?.token
  return typeof token === 'string' && FORM_TOKEN_PATTERN.test(token) ? token : undefined
}

/** What an intake stores of a token: a hash under `purpose` ('lifeline helpdesk form token', …). */
export function formTokenHash(token: string, purpose: string): Buffer {
  return keyedHash(token, purpose)
}
