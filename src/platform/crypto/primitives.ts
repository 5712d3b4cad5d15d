/**
 * The few libsodium operations Lifeline builds on. Every secret at rest goes through here.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import sodium from 'sodium-native'

/** Raised when a ciphertext doesn't open: a wrong key or tampered data. Never says which. */
export class CryptoError extends Error {
  constructor() {
    super('Decryption failed: wrong key or tampered data')
  }
}

/** An X25519 key pair for sealed boxes. */
export type KeyPair = { publicKey: Buffer; privateKey: Buffer }

/** Cryptographically random bytes. */
export function randomBytes(size: number): Buffer {
  const out = Buffer.alloc(size)
  sodium.randombytes_buf(out)
  return out
}

/** A fresh 256-bit symmetric key. */
export function newSymmetricKey(): Buffer {
  return randomBytes(sodium.crypto_secretbox_KEYBYTES)
}

/** A fresh salt for `deriveKey`. */
export function newSalt(): Buffer {
  return randomBytes(sodium.crypto_pwhash_SALTBYTES)
}

/** A fresh X25519 key pair. */
export function newKeyPair(): KeyPair {
  const publicKey = Buffer.alloc(sodium.crypto_box_PUBLICKEYBYTES)
  const privateKey = Buffer.alloc(sodium.crypto_box_SECRETKEYBYTES)
  sodium.crypto_box_keypair(publicKey, privateKey)
  return { publicKey, privateKey }
}

/** Rebuilds a key pair from its private key. */
export function keyPairFromPrivate(privateKey: Buffer): KeyPair {
  const publicKey = Buffer.alloc(sodium.crypto_box_PUBLICKEYBYTES)
  sodium.crypto_scalarmult_base(publicKey, privateKey)
  return { publicKey, privateKey }
}

/** The key pair a 32-byte seed stands for: the same seed always gives the same pair. */
export function keyPairFromSeed(seed: Buffer): KeyPair {
  const publicKey = Buffer.alloc(sodium.crypto_box_PUBLICKEYBYTES)
  const privateKey = Buffer.alloc(sodium.crypto_box_SECRETKEYBYTES)
  sodium.crypto_box_seed_keypair(publicKey, privateKey, seed)
  return { publicKey, privateKey }
}

/**
 * A 32-byte BLAKE2b hash of `value` keyed by `context`, so hashes made for one purpose can't stand in
 * for another's. For high-entropy values only (a receipt): it is fast, not a password hash.
 */
export function keyedHash(value: string | Buffer, context: string): Buffer {
  const out = Buffer.alloc(32)
  const key = Buffer.alloc(32)
  sodium.crypto_generichash(key, Buffer.from(context))
  sodium.crypto_generichash(out, Buffer.from(value), key)
  return out
}

/** Encrypts and authenticates `plain` under `key` (XSalsa20-Poly1305); the nonce is prepended. */
export function secretSeal(plain: Buffer, key: Buffer): Buffer {
  const nonce = randomBytes(sodium.crypto_secretbox_NONCEBYTES)
  const box = Buffer.alloc(plain.length + sodium.crypto_secretbox_MACBYTES)
  sodium.crypto_secretbox_easy(box, plain, nonce, key)
  return Buffer.concat([nonce, box])
}

/** Opens what `secretSeal` made; throws CryptoError on a wrong key or any change to the data. */
export function secretOpen(sealed: Buffer, key: Buffer): Buffer {
  const nonceBytes = sodium.crypto_secretbox_NONCEBYTES
  if (
    key.length !== sodium.crypto_secretbox_KEYBYTES ||
    sealed.length < nonceBytes + sodium.crypto_secretbox_MACBYTES
  ) {
    throw new CryptoError()
  }
  const box = sealed.subarray(nonceBytes)
  const plain = Buffer.alloc(box.length - sodium.crypto_secretbox_MACBYTES)
  if (!sodium.crypto_secretbox_open_easy(plain, box, sealed.subarray(0, nonceBytes), key))
    throw new CryptoError()
  return plain
}

/** Seals `plain` to a public key anonymously (libsodium sealed box): only the private key opens it. */
export function boxSeal(plain: Buffer, publicKey: Buffer): Buffer {
  const out = Buffer.alloc(plain.length + sodium.crypto_box_SEALBYTES)
  sodium.crypto_box_seal(out, plain, publicKey)
  return out
}

/** Opens a sealed box; throws CryptoError if it was not sealed to this key pair or was changed. */
export function boxOpen(sealed: Buffer, keyPair: KeyPair): Buffer {
  if (sealed.length < sodium.crypto_box_SEALBYTES) throw new CryptoError()
  const plain = Buffer.alloc(sealed.length - sodium.crypto_box_SEALBYTES)
  if (!sodium.crypto_box_seal_open(plain, sealed, keyPair.publicKey, keyPair.privateKey))
    throw new CryptoError()
  return plain
}

// Argon2id at libsodium's "interactive" cost: ~64 MiB and a few tens of ms per call, off the main thread.
const OPS = sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE
const MEM = sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE

/** Derives a 256-bit key from a password and salt with argon2id. */
export async function deriveKey(password: string, salt: Buffer): Promise<Buffer> {
  const key = Buffer.alloc(sodium.crypto_secretbox_KEYBYTES)
  await new Promise<void>((done, fail) =>
    sodium.crypto_pwhash_async(
      key,
      Buffer.from(password),
      salt,
      OPS,
      MEM,
      sodium.crypto_pwhash_ALG_ARGON2ID13,
      (error) => (error ? fail(error) : done()),
    ),
  )
  return key
}

/** Hashes a password with argon2id into a self-describing string. */
export async function hashPassword(password: string): Promise<string> {
  const out = Buffer.alloc(sodium.crypto_pwhash_STRBYTES)
  await new Promise<void>((done, fail) =>
    sodium.crypto_pwhash_str_async(out, Buffer.from(password), OPS, MEM, (error) =>
      error ? fail(error) : done(),
    ),
  )
  return out.toString('utf8').replace(/\0+$/, '')
}

/** Checks a password against `hashPassword`'s output. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const str = Buffer.alloc(sodium.crypto_pwhash_STRBYTES)
  str.write(hash)
  return new Promise((done) =>
    sodium.crypto_pwhash_str_verify_async(str, Buffer.from(password), (error, ok) => done(!error && !!ok)),
  )
}

/** SHA-256 in hex, for looking up high-entropy tokens without storing them. */
export function sha256(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex')
}

/** Compares two strings in constant time. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
