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

/**
 * Encrypts and authenticates `plain` under `key` with XChaCha20-Poly1305, binding it to `context` (the
 * record, desk and kind it belongs to): the same bytes moved to another record, desk or kind don't open.
 * The 24-byte random nonce is prepended.
 */
export function aeadSeal(plain: Buffer, key: Buffer, context: string): Buffer {
  const nonce = randomBytes(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
  const box = Buffer.alloc(plain.length + sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES)
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(box, plain, Buffer.from(context), null, nonce, key)
  return Buffer.concat([nonce, box])
}

/** Opens what `aeadSeal` made under the same key and context; throws CryptoError otherwise. */
export function aeadOpen(sealed: Buffer, key: Buffer, context: string): Buffer {
  const nonceBytes = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
  const tagBytes = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES
  if (
    key.length !== sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES ||
    sealed.length < nonceBytes + tagBytes
  )
    throw new CryptoError()
  const box = sealed.subarray(nonceBytes)
  const plain = Buffer.alloc(box.length - tagBytes)
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      plain,
      null,
      box,
      Buffer.from(context),
      sealed.subarray(0, nonceBytes),
      key,
    )
  } catch {
    throw new CryptoError()
  }
  return plain
}

// Sizes are padded up to a multiple of this, so a ciphertext's length tells only roughly how much it holds.
const PAD_BLOCK = 256

/** `plain` padded (ISO/IEC 7816-4, libsodium's sodium_pad) to a multiple of 256 bytes before sealing. */
export function pad(plain: Buffer): Buffer {
  const out = Buffer.alloc(plain.length + PAD_BLOCK)
  plain.copy(out)
  const length = sodium.sodium_pad(out, plain.length, PAD_BLOCK)
  return out.subarray(0, length)
}

/** What `pad` padded, without the padding; throws CryptoError when the padding is malformed. */
export function unpad(padded: Buffer): Buffer {
  try {
    return padded.subarray(0, sodium.sodium_unpad(padded, padded.length, PAD_BLOCK))
  } catch {
    throw new CryptoError()
  }
}

/**
 * Argon2id's cost: passes over memory and the memory it takes. Stored with each password, so the cost
 * can rise later and older passwords still open (they are re-derived at the next sign-in).
 */
export type PasswordCost = { ops: number; mem: number }

/** libsodium's named costs: "interactive" (2 passes, 64 MiB), "moderate" (3, 256 MiB), "sensitive" (4, 1 GiB). */
export const PASSWORD_COSTS = {
  interactive: {
    ops: sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
    mem: sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
  },
  moderate: { ops: sodium.crypto_pwhash_OPSLIMIT_MODERATE, mem: sodium.crypto_pwhash_MEMLIMIT_MODERATE },
  sensitive: { ops: sodium.crypto_pwhash_OPSLIMIT_SENSITIVE, mem: sodium.crypto_pwhash_MEMLIMIT_SENSITIVE },
} as const satisfies Record<string, PasswordCost>

/** The cost Lifeline's passwords were hashed at before costs were stored per user. */
export const LEGACY_PASSWORD_COST: PasswordCost = PASSWORD_COSTS.interactive

/** Derives `bytes` bytes from a password and salt with argon2id at `cost`, off the main thread. */
export async function stretchPassword(
  password: string,
  salt: Buffer,
  cost: PasswordCost,
  bytes = sodium.crypto_secretbox_KEYBYTES,
): Promise<Buffer> {
  const out = Buffer.alloc(bytes)
  await new Promise<void>((done, fail) =>
    sodium.crypto_pwhash_async(
      out,
      Buffer.from(password),
      salt,
      cost.ops,
      cost.mem,
      sodium.crypto_pwhash_ALG_ARGON2ID13,
      (error) => (error ? fail(error) : done()),
    ),
  )
  return out
}

/** Derives a 256-bit key from a password and salt with argon2id at the legacy cost. */
export function deriveKey(password: string, salt: Buffer): Promise<Buffer> {
  return stretchPassword(password, salt, LEGACY_PASSWORD_COST)
}

/** Hashes a password with argon2id into a self-describing string (accounts from before per-user costs). */
export async function hashPassword(password: string): Promise<string> {
  const out = Buffer.alloc(sodium.crypto_pwhash_STRBYTES)
  await new Promise<void>((done, fail) =>
    sodium.crypto_pwhash_str_async(
      out,
      Buffer.from(password),
      LEGACY_PASSWORD_COST.ops,
      LEGACY_PASSWORD_COST.mem,
      (error) => (error ? fail(error) : done()),
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

/** A 32-byte BLAKE2b MAC of `value` under `key` (a key derived from the server key, say). */
export function mac(value: string | Buffer, key: Buffer): Buffer {
  const out = Buffer.alloc(32)
  sodium.crypto_generichash(out, Buffer.from(value), key)
  return out
}

/**
 * A short, human-comparable fingerprint of a public key: 20 bytes of its BLAKE2b hash as ten groups of
 * four hex digits. Members compare it with what a coordinator sees to notice a replaced key.
 */
export function fingerprint(publicKey: Buffer): string {
  const out = Buffer.alloc(20)
  sodium.crypto_generichash(out, publicKey, Buffer.from('lifeline public key fingerprint'))
  return (out.toString('hex').match(/.{4}/g) ?? []).join(' ')
}

/** Copies `bytes` into memory libsodium guards (locked against swapping, zeroed when freed) and wipes the source. */
export function secureCopy(bytes: Buffer): Buffer {
  const out = sodium.sodium_malloc(bytes.length)
  bytes.copy(out)
  bytes.fill(0)
  return out
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
