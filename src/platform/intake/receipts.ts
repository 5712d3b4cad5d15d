/**
 * Receipts: what a writer keeps to come back to a report. 19 random symbols of Crockford's base 32
 * (95 bits) and a check symbol (Luhn mod 32), shown as five groups of four: `7K3M-QX9P-0RT4-HW2C-5NVA`.
 * The alphabet has no I, L, O or U, and what people type is forgiven: case, spaces and dashes, O for
 * zero, I or L for one, and Cyrillic letters that look like Latin ones (a Russian keyboard layout).
 *
 * For every intake that hands out receipts (the help desk's reports; letters, help requests and pledges
 * next). The server never stores a receipt. It keeps a keyed hash to find the item (`receiptLookup`),
 * and the public half of a key pair derived from the receipt (`receiptKeyPair`), to which replies are
 * sealed: only the receipt opens them. The hash is keyed with a key derived from the server key
 * (outside the database), so a copy of the database alone can't test a guessed receipt.
 *
 * Why not more than 95 bits: a receipt is copied by hand, and each further group of four is one more
 * chance to mistype it. 95 bits can't be guessed online (20 misses per address per 15 minutes), and
 * offline a guess needs the server key as well as the database.
 */
import { type KeyPair, keyedHash, keyPairFromSeed, mac, randomBytes } from '../crypto/primitives.ts'

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const RANDOM_SYMBOLS = 19

// What a person may type for each symbol: look-alikes, and Cyrillic letters drawn like Latin ones.
const lookAlikes: Record<string, string> = {
  O: '0',
  I: '1',
  L: '1',
  А: 'A',
  В: 'B',
  Е: 'E',
  З: '3',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: '0',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
}

function luhnCheck(symbols: string): string {
  let factor = 2
  let sum = 0
  for (let i = symbols.length - 1; i >= 0; i--) {
    const product = factor * alphabet.indexOf(symbols[i]!)
    sum += Math.floor(product / 32) + (product % 32)
    factor = factor === 2 ? 1 : 2
  }
  return alphabet[(32 - (sum % 32)) % 32]!
}

/**
 * The receipt `seed` stands for (at least 19 random bytes), grouped for reading: 20 symbols, 95 bits.
 * Each byte gives one symbol, its low five bits: uniform, as 256 is a multiple of 32.
 */
export function receiptFrom(seed: Buffer): string {
  if (seed.length < RANDOM_SYMBOLS) throw new Error(`A receipt needs ${RANDOM_SYMBOLS} random bytes`)
  const symbols = [...seed.subarray(0, RANDOM_SYMBOLS)].map((byte) => alphabet[byte & 31]).join('')
  return formatReceipt(symbols + luhnCheck(symbols))
}

/** A new random receipt. */
export function newReceipt(): string {
  return receiptFrom(randomBytes(RANDOM_SYMBOLS))
}

/** The 20 symbols in five groups of four. */
export function formatReceipt(symbols: string): string {
  return symbols.match(/.{1,4}/g)!.join('-')
}

/** What checking a typed receipt found: its 20 symbols, or why it can't be one. */
export type ReceiptCheck =
  | { ok: true; symbols: string }
  | { ok: false; reason: 'length' | 'symbols' | 'typo' }

/** Normalises what a person typed; a wrong symbol or two swapped neighbours show as a typo. */
export function checkReceipt(typed: string): ReceiptCheck {
  const symbols = [
    ...typed
      .normalize('NFKC')
      .toUpperCase()
      .replace(/[\s\-‐-―._·]/g, ''),
  ]
    .map((char) => lookAlikes[char] ?? char)
    .join('')
  if (symbols.length !== RANDOM_SYMBOLS + 1) return { ok: false, reason: 'length' }
  if (![...symbols].every((char) => alphabet.includes(char))) return { ok: false, reason: 'symbols' }
  if (luhnCheck(symbols.slice(0, -1)) !== symbols.slice(-1)) return { ok: false, reason: 'typo' }
  return { ok: true, symbols }
}

/**
 * The receipt a form token stands for, made with `key` (derived from the server key for one intake):
 * the same form sent twice (a double click, a reload) shows the same receipt again instead of a second
 * item or a receipt lost with the first answer. Only the writer's page holds the token.
 */
export function receiptForToken(token: string, key: Buffer): string {
  return receiptFrom(mac(token, key))
}

/**
 * The hash an item is found by: its receipt's symbols keyed with `key` (from the server key) under
 * `purpose` (one per intake, e.g. 'lifeline helpdesk receipt lookup').
 */
export function receiptLookup(symbols: string, key: Buffer, purpose: string): Buffer {
  return mac(`${purpose}\0${symbols}`, key)
}

/** The key pair a receipt stands for under `purpose`: what is sealed to its public half opens with the receipt alone. */
export function receiptKeyPair(symbols: string, purpose: string): KeyPair {
  return keyPairFromSeed(keyedHash(symbols, purpose))
}
