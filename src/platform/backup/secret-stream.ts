/**
 * libsodium's secretstream (XChaCha20-Poly1305) over a byte stream of any length, in bounded memory.
 *
 * The plaintext is cut into fixed-size chunks, each authenticated and chained to the one before; the last
 * is tagged FINAL. A changed, reordered, dropped or cut-off chunk fails to open. `ad` (extra data that is
 * stored in the clear, such as a file header) is authenticated with the first chunk.
 */
import sodium from 'sodium-native'
import { BackupError } from './errors.ts'

/** Plaintext bytes per chunk; each chunk grows by CHUNK_OVERHEAD when encrypted. */
export const CHUNK = 64 * 1024
/** Bytes a chunk gains when encrypted (its tag and MAC). */
export const CHUNK_OVERHEAD = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
/** Length of the stream header that must be stored with the stream. */
export const STREAM_HEADER_BYTES = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
/** Length of the key. */
export const STREAM_KEY_BYTES = sodium.crypto_secretstream_xchacha20poly1305_KEYBYTES

// @types/sodium-native describes the 3.x API; sodium-native 5 keeps the stream state in a plain buffer
// and takes the push tag as a number.
type SecretStream = {
  crypto_secretstream_xchacha20poly1305_STATEBYTES: number
  crypto_secretstream_xchacha20poly1305_TAG_MESSAGE: number
  crypto_secretstream_xchacha20poly1305_TAG_FINAL: number
  crypto_secretstream_xchacha20poly1305_init_push(state: Buffer, header: Buffer, key: Buffer): void
  crypto_secretstream_xchacha20poly1305_push(
    s: Buffer,
    out: Buffer,
    m: Buffer,
    ad: Buffer | null,
    tag: number,
  ): number
  crypto_secretstream_xchacha20poly1305_init_pull(state: Buffer, header: Buffer, key: Buffer): void
  crypto_secretstream_xchacha20poly1305_pull(
    s: Buffer,
    out: Buffer,
    tag: Buffer,
    c: Buffer,
    ad: Buffer | null,
  ): number
}
const api = sodium as unknown as SecretStream
const TAG_MESSAGE = api.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
const TAG_FINAL = api.crypto_secretstream_xchacha20poly1305_TAG_FINAL

/** Starts a stream under `key` (which may be wiped afterwards); store `streamHeader` alongside the output. */
export function encryptor(key: Buffer): {
  streamHeader: Buffer
  encrypt(source: AsyncIterable<Uint8Array>, ad: Buffer): AsyncGenerator<Buffer>
} {
  const state = Buffer.alloc(api.crypto_secretstream_xchacha20poly1305_STATEBYTES)
  const streamHeader = Buffer.alloc(STREAM_HEADER_BYTES)
  api.crypto_secretstream_xchacha20poly1305_init_push(state, streamHeader, key)
  async function* encrypt(source: AsyncIterable<Uint8Array>, ad: Buffer): AsyncGenerator<Buffer> {
    let first = true
    const seal = (plain: Buffer, tag: number): Buffer => {
      const out = Buffer.alloc(plain.length + CHUNK_OVERHEAD)
      api.crypto_secretstream_xchacha20poly1305_push(state, out, plain, first ? ad : null, tag)
      first = false
      return out
    }
    let carry: Buffer = Buffer.alloc(0)
    for await (const data of source) {
      carry = Buffer.concat([carry, data])
      while (carry.length >= CHUNK) {
        yield seal(carry.subarray(0, CHUNK), TAG_MESSAGE)
        carry = carry.subarray(CHUNK)
      }
    }
    // Always a FINAL chunk, empty if need be: its absence is how a cut-off stream is recognised.
    yield seal(carry, TAG_FINAL)
  }
  return { streamHeader, encrypt }
}

/**
 * Yields the plaintext chunk by chunk, each checked before it is yielded. Throws BackupError on a wrong key
 * (the first chunk fails), a changed or damaged chunk, data after the end, or a missing end.
 */
export async function* decrypt(
  source: AsyncIterable<Buffer>,
  opening: { streamHeader: Buffer; key: Buffer; ad: Buffer; chunk: number },
): AsyncGenerator<Buffer> {
  const state = Buffer.alloc(api.crypto_secretstream_xchacha20poly1305_STATEBYTES)
  api.crypto_secretstream_xchacha20poly1305_init_pull(state, opening.streamHeader, opening.key)
  const block = opening.chunk + CHUNK_OVERHEAD
  let index = 0
  const open = (cipher: Buffer): { plain: Buffer; final: boolean } => {
    const plain = Buffer.alloc(cipher.length - CHUNK_OVERHEAD)
    const tag = Buffer.alloc(1)
    try {
      api.crypto_secretstream_xchacha20poly1305_pull(
        state,
        plain,
        tag,
        cipher,
        index === 0 ? opening.ad : null,
      )
    } catch {
      throw index === 0
        ? new BackupError(
            'ERR_BACKUP_WRONG_PASSPHRASE',
            'Wrong passphrase, or the backup file was changed or damaged. Nothing was restored.',
          )
        : damaged(`chunk ${index + 1} fails its check`)
    }
    index++
    return { plain, final: tag[0] === TAG_FINAL }
  }
  let buffered: Buffer = Buffer.alloc(0)
  for await (const data of source) {
    buffered = buffered.length ? Buffer.concat([buffered, data]) : data
    // Hold back the last block until the input ends: only the last may (and must) be FINAL.
    while (buffered.length > block) {
      const { plain, final } = open(buffered.subarray(0, block))
      if (final) throw damaged('there is data after its end')
      buffered = buffered.subarray(block)
      yield plain
    }
  }
  if (buffered.length < CHUNK_OVERHEAD) throw damaged('it is cut short')
  const { plain, final } = open(buffered)
  if (!final) throw damaged('it is cut short')
  yield plain
}

function damaged(why: string): BackupError {
  return new BackupError(
    'ERR_BACKUP_DAMAGED',
    `The backup file is damaged or was changed (${why}). Nothing was restored; use another copy.`,
  )
}
