/**
 * The help desk's receipts (platform/intake/receipts.ts) and form tokens: the purposes its lookups and writer keys are
 * made under, and the server-key-derived keys behind them. Reports stored before server-keyed lookups
 * were found by a hash keyed with a public constant, and are still looked up that way too (the hash
 * can't be redone without the receipt).
 */
import { type KeyPair, keyedHash } from '../../platform/crypto/primitives.ts'
import { serverKeyOf } from '../../platform/crypto/server-key.ts'
import type { Db } from '../../platform/db/database.ts'
import { formTokenHash } from '../../platform/intake/form-tokens.ts'
import {
  receiptLookup as lookupUnder,
  receiptKeyPair,
  receiptForToken as receiptOfToken,
} from '../../platform/intake/receipts.ts'

const LOOKUP = 'lifeline helpdesk receipt lookup'

/** The key receipts' lookup hashes are made with (from the server key, outside the database). */
export function receiptLookupKey(db: Db): Buffer {
  return serverKeyOf(db).derive('helpdesk receipt lookup')
}

/** The hash a report is found by, keyed with `key` (receiptLookupKey). */
export function receiptLookup(symbols: string, key: Buffer): Buffer {
  return lookupUnder(symbols, key, LOOKUP)
}

/** The hash reports stored before server-keyed lookups were found by (a public constant's key). */
export function legacyReceiptLookup(symbols: string): Buffer {
  return keyedHash(symbols, LOOKUP)
}

/** The writer's key pair: replies sealed to its public half open with the receipt alone. */
export function writerKeyPair(symbols: string): KeyPair {
  return receiptKeyPair(symbols, 'lifeline helpdesk writer key')
}

/** The receipt a report form's token stands for (the same form sent twice shows the same receipt). */
export function receiptForToken(db: Db, token: string): string {
  return receiptOfToken(token, serverKeyOf(db).derive('helpdesk receipt from form token'))
}

/** What a report or message keeps of its form's one-time token (platform/intake/form-tokens.ts). */
export function formTokenOf(token: string): Buffer {
  return formTokenHash(token, 'lifeline helpdesk form token')
}

/** The key of a report's repeat check (platform/intake/double-submit.ts), from the server key. */
export function repeatCheckKey(db: Db): Buffer {
  return serverKeyOf(db).derive('helpdesk repeat check')
}
