/**
 * What a member's password protects, and how: one Argon2id stretch of the password (at the cost stored
 * with it) gives two halves. One, MAC'd under a key from the server key, is what the database keeps to
 * check the password; the other, combined with a second server-key-derived key, wraps the private key
 * (XChaCha20-Poly1305, bound to the member and their public key). So a copy of the database can't test
 * guesses, and a phished password opens nothing without the server key file too.
 *
 * Accounts from before the server key (key_wrap 1) keep an argon2id string and a private key wrapped by
 * the password alone; they open here and are moved over (accounts.ts) at their next sign-in.
 */
import sodium from 'sodium-native'
import { workPool } from '../admission.ts'
import {
  aeadOpen,
  aeadSeal,
  CryptoError,
  deriveKey,
  type KeyPair,
  keyPairFromPrivate,
  mac,
  newSalt,
  PASSWORD_COSTS,
  type PasswordCost,
  secretOpen,
  stretchPassword,
  verifyPassword,
} from '../crypto/primitives.ts'
import type { ServerKey } from '../crypto/server-key.ts'
import { tooMany } from '../errors.ts'

// Each stretch holds its Argon2id memory (256 MiB at the default cost) and a libuv thread for about
// a second: two at once, a few dozen in line, and a sign-in flood past that is answered 429 at once
// instead of exhausting memory or the threads file reads need.
const STRETCHES_AT_ONCE = 2
const STRETCHES_IN_LINE = 32
const stretches = workPool(STRETCHES_AT_ONCE, STRETCHES_IN_LINE)

/** Runs password work (a stretch, a legacy check) in the pool above; throws tooMany() when it is full. */
export async function passwordWork<T>(job: () => Promise<T>): Promise<T> {
  const result = await stretches.run(job)
  if (result.busy) throw tooMany()
  return result.value
}

/** The cost new passwords are stretched at (LIFELINE_PASSWORD_COST; moderate unless set). */
export function currentPasswordCost(): PasswordCost {
  const name = process.env.LIFELINE_PASSWORD_COST
  return name === 'interactive' || name === 'sensitive' ? PASSWORD_COSTS[name] : PASSWORD_COSTS.moderate
}

/** Whether `cost` is below the current one in passes or memory: the password is re-stretched at sign-in. */
export function isBelowCurrentCost(cost: PasswordCost): boolean {
  const current = currentPasswordCost()
  return cost.ops < current.ops || cost.mem < current.mem
}

/** The stored form of a password, as `users` keeps it (key_wrap 2). */
export type PasswordMaterial = {
  passwordHash: string
  salt: Buffer
  cost: PasswordCost
  wrappedPrivateKey: Buffer
}

/** A password's stored form as read from `users`, either generation. */
export type StoredPassword = {
  userId: string
  keyWrap: number
  passwordHash: string
  salt: Buffer
  cost: PasswordCost | null
  publicKey: Buffer
  wrappedPrivateKey: Buffer
}

/** What a password opened: nothing (wrong), a key that doesn't match the account (tampering), or the pair. */
export type Opened =
  | { outcome: 'wrong' }
  | { outcome: 'mismatch' }
  | { outcome: 'open'; keyPair: KeyPair; legacy: boolean; cost: PasswordCost | null }

// What the private key's wrapping is bound to: moved to another account or public key, it doesn't open.
const wrapContext = (userId: string, publicKey: Buffer) =>
  `lifeline private key v2\0${userId}\0${publicKey.toString('base64')}`

type Halves = { verifier: Buffer; wrapping: Buffer }

async function stretch(
  serverKey: ServerKey,
  userId: string,
  password: string,
  salt: Buffer,
  cost: PasswordCost,
): Promise<Halves> {
  const out = await passwordWork(() => stretchPassword(password, salt, cost, 64))
  const bind = (half: Buffer) => Buffer.concat([Buffer.from(userId), half])
  try {
    return {
      verifier: mac(bind(out.subarray(0, 32)), serverKey.derive('password verifiers')),
      wrapping: mac(bind(out.subarray(32)), serverKey.derive('private key wrapping')),
    }
  } finally {
    out.fill(0)
  }
}

/** Stretches `password` (slow: outside any transaction) and wraps `keyPair`'s private key under it. */
export async function makeMaterial(
  serverKey: ServerKey,
  account: { userId: string; password: string; keyPair: KeyPair },
  cost = currentPasswordCost(),
): Promise<PasswordMaterial> {
  const salt = newSalt()
  const halves = await stretch(serverKey, account.userId, account.password, salt, cost)
  try {
    return {
      passwordHash: halves.verifier.toString('base64'),
      salt,
      cost,
      wrappedPrivateKey: aeadSeal(
        account.keyPair.privateKey,
        halves.wrapping,
        wrapContext(account.userId, account.keyPair.publicKey),
      ),
    }
  } finally {
    halves.wrapping.fill(0)
  }
}

/**
 * Checks `password` against what is stored and opens the private key. 'mismatch' means the password is
 * right but the key it opens isn't this account's (the stored public key or wrap was replaced, or the
 * server key is not this database's): refuse and alert.
 */
export async function openWithPassword(
  serverKey: ServerKey,
  stored: StoredPassword,
  password: string,
): Promise<Opened> {
  if (stored.keyWrap === 1 || !stored.cost) return openLegacy(stored, password)
  const halves = await stretch(serverKey, stored.userId, password, stored.salt, stored.cost)
  try {
    const expected = Buffer.from(stored.passwordHash, 'base64')
    if (expected.length !== 32 || !sodium.sodium_memcmp(expected, halves.verifier))
      return { outcome: 'wrong' }
    const privateKey = aeadOpen(
      stored.wrappedPrivateKey,
      halves.wrapping,
      wrapContext(stored.userId, stored.publicKey),
    )
    return matched(stored, privateKey, false, stored.cost)
  } catch (error) {
    if (error instanceof CryptoError) return { outcome: 'mismatch' }
    throw error
  } finally {
    halves.wrapping.fill(0)
  }
}

async function openLegacy(stored: StoredPassword, password: string): Promise<Opened> {
  if (!(await passwordWork(() => verifyPassword(stored.passwordHash, password)))) return { outcome: 'wrong' }
  const key = await passwordWork(() => deriveKey(password, stored.salt))
  try {
    return matched(stored, secretOpen(stored.wrappedPrivateKey, key), true, null)
  } catch (error) {
    if (error instanceof CryptoError) return { outcome: 'mismatch' }
    throw error
  } finally {
    key.fill(0)
  }
}

// The key pair, once its public half is the one stored: a replaced public key would have new records
// sealed to someone else.
function matched(
  stored: StoredPassword,
  privateKey: Buffer,
  legacy: boolean,
  cost: PasswordCost | null,
): Opened {
  const keyPair = keyPairFromPrivate(privateKey)
  if (stored.publicKey.length !== 32 || !sodium.sodium_memcmp(keyPair.publicKey, stored.publicKey)) {
    privateKey.fill(0)
    return { outcome: 'mismatch' }
  }
  return { outcome: 'open', keyPair, legacy, cost }
}

/** Spends what checking a password costs, for an e-mail no account has (so the two take as long). */
export async function decoyCheck(password: string): Promise<void> {
  ;(await passwordWork(() => stretchPassword(password, newSalt(), currentPasswordCost(), 64))).fill(0)
}
