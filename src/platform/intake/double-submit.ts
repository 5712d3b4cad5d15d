/**
 * Telling a form sent again from a stale one. A form token (form-tokens.ts) already stops a second
 * item; this decides whether the writer may see the first one's receipt again: only when what they
 * sent is the same and it is soon after. The check is a hash of what was sent keyed by the form's
 * token, which only the writer's page holds, so nothing is kept that a copy of the database (or the
 * server key with it) could test a guessed content against.
 */
import { timingSafeEqual } from 'node:crypto'
import { mac } from '../crypto/primitives.ts'

/** The check kept with an item: `clear` (what was sent) hashed under the token and `key` (from the server key). */
export function repeatCheck(key: Buffer, token: string, clear: Buffer): Buffer {
  return mac(clear, mac(token, key))
}

/**
 * Whether a post with `check` repeats `first` (its check and when it was received): the same content,
 * less than `windowMs` after.
 */
export function isRepeat(
  first: { check: Buffer | null; receivedAt: Date } | undefined,
  check: Buffer,
  windowMs: number,
  now = new Date(),
): boolean {
  return (
    first?.check?.length === check.length &&
    timingSafeEqual(first.check, check) &&
    now.getTime() - first.receivedAt.getTime() < windowMs
  )
}
