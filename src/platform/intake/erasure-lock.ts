/**
 * Locking an item's parts with its own erasure key (crypto/erasure-keys.ts), before they are sealed,
 * so that destroying the key (retention does) leaves nothing readable in the database or in any backup
 * of it. For every sealed intake: the help desk's reports, and letters, help requests and pledges next.
 *
 * The key comes from the pool made ahead (so its file says nothing of when the item came). Each part is
 * padded to a 256-byte block (its size tells little of what was written) and locked with
 * XChaCha20-Poly1305 bound to a context that names the item and the part: a part moved to another item
 * or place doesn't open. The intake names the context and keeps the key's id on the item's row.
 */
import { claimErasureKey, returnErasureKey } from '../crypto/erasure-key-pool.ts'
import { erasureKeysOf } from '../crypto/erasure-keys.ts'
import { aeadOpen, aeadSeal, pad, unpad } from '../crypto/primitives.ts'
import type { Db } from '../db/database.ts'

/** What unlocks an item: its key; none for one stored before erasure keys; or 'erased'. */
export type ItemKey = Buffer | null | 'erased'

/** An unused erasure key and its id, taken from those made ahead. */
export function newItemKey(db: Db): Promise<{ id: string; key: Buffer }> {
  return claimErasureKey(db)
}

/** Gives back the key of an item that was not stored: nothing was locked with it for good. */
export function unusedItemKey(db: Db, keyId: string): Promise<void> {
  return returnErasureKey(db, keyId)
}

/** The key an item's row names (null: none), or 'erased' once it was destroyed. */
export async function itemKey(db: Db, keyId: string | null): Promise<ItemKey> {
  if (keyId === null) return null
  return (await erasureKeysOf(db).read(keyId)) ?? 'erased'
}

/** Destroys an item's key: what it locked can't be read again from anywhere. */
export async function eraseItemKey(db: Db, keyId: string | null): Promise<void> {
  if (keyId !== null) await erasureKeysOf(db).destroy(keyId)
}

/** `plain` padded and locked with `key`, bound to `context` (the item and the part). */
export function lockBound(key: Buffer, context: string, plain: Buffer): Buffer {
  const padded = pad(plain)
  try {
    return aeadSeal(padded, key, context)
  } finally {
    padded.fill(0)
  }
}

/** What `lockBound` made, opened; throws CryptoError when it is not bound to `context` or `key`. */
export function unlockBound(key: Buffer, context: string, locked: Buffer): Buffer {
  return unpad(aeadOpen(locked, key, context))
}
