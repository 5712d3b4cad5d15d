/**
 * The backup file: a magic line, a JSON header line (engine, what the dump is, time, argon2id parameters
 * and salt, stream header), then the dump encrypted by secret-stream.ts. The two header lines are the first chunk's extra
 * authenticated data, so editing them (engine, salt, limits) makes the file fail to open.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import sodium from 'sodium-native'
import { z } from 'zod'
import { BackupError } from './errors.ts'
import { CHUNK, decrypt, encryptor, STREAM_HEADER_BYTES, STREAM_KEY_BYTES } from './secret-stream.ts'

/** The first line of every backup file. */
export const MAGIC = 'LIFELINE-BACKUP 1'

/** Which engine a backup came from; a backup restores only into the same one. */
export type BackupEngine = 'pglite' | 'postgres'

const MAX_PREAMBLE = 16 * 1024
const MIN_PASSPHRASE = 12

// libsodium asserts the length of what it is given: a doctored header must be refused here, as one.
const base64Of = (bytes: number) =>
  z.base64().refine((text) => Buffer.from(text, 'base64').length === bytes, `must be ${bytes} bytes`)

const headerSchema = z.object({
  engine: z.enum(['pglite', 'postgres']),
  // Kept loose so a later writer's new kind reads as "made by a newer version", not as damage.
  contents: z.string().max(100).optional(),
  created_at: z.iso.datetime(),
  kdf: z.object({
    alg: z.literal('argon2id13'),
    // Bounded so that a doctored header can't make a restore ask for gigabytes of memory.
    opslimit: z.int().min(sodium.crypto_pwhash_OPSLIMIT_MIN).max(sodium.crypto_pwhash_OPSLIMIT_SENSITIVE),
    memlimit: z.int().min(sodium.crypto_pwhash_MEMLIMIT_MIN).max(sodium.crypto_pwhash_MEMLIMIT_SENSITIVE),
    salt: base64Of(sodium.crypto_pwhash_SALTBYTES),
  }),
  cipher: z.object({
    alg: z.literal('xchacha20poly1305-secretstream'),
    header: base64Of(STREAM_HEADER_BYTES),
    chunk: z
      .int()
      .min(1024)
      .max(16 * 1024 * 1024),
  }),
})

/**
 * What a backup's plaintext is: the embedded database's live rows (rows-format.ts) or pg_dump's custom
 * archive. Files written before `contents` existed hold PGlite's data dir (embedded) or pg_dump's archive.
 */
export type BackupContents = 'rows' | 'pg_dump-custom'

/** What `header` says the plaintext is; null for a kind this version doesn't know (a newer writer's). */
export function contentsOf(header: BackupHeader): BackupContents | 'data-dir' | null {
  if (header.contents === undefined) return header.engine === 'pglite' ? 'data-dir' : 'pg_dump-custom'
  if (header.contents === 'rows' && header.engine === 'pglite') return 'rows'
  if (header.contents === 'pg_dump-custom' && header.engine === 'postgres') return 'pg_dump-custom'
  return null
}

/** The JSON line after the magic line. */
export type BackupHeader = z.infer<typeof headerSchema>

/** A backup file's header, where its encrypted stream starts, and the bytes its first chunk authenticates. */
export type Preamble = { header: BackupHeader; start: number; ad: Buffer }

/** Refuses a passphrase too short to stand up to guessing once the file is out of our hands. */
export function checkPassphrase(passphrase: string): void {
  if ([...passphrase].length < MIN_PASSPHRASE)
    throw new BackupError(
      'ERR_BACKUP_WEAK_PASSPHRASE',
      `The backup passphrase must be at least ${MIN_PASSPHRASE} characters; a few unrelated words work well.`,
    )
}

async function deriveKey(passphrase: string, kdf: BackupHeader['kdf']): Promise<Buffer> {
  const key = sodium.sodium_malloc(STREAM_KEY_BYTES)
  await new Promise<void>((done, fail) =>
    sodium.crypto_pwhash_async(
      key,
      Buffer.from(passphrase),
      Buffer.from(kdf.salt, 'base64'),
      kdf.opslimit,
      kdf.memlimit,
      sodium.crypto_pwhash_ALG_ARGON2ID13,
      (error) => (error ? fail(error) : done()),
    ),
  )
  return key
}

/**
 * Encrypts `source` into `file`. It is written as `file.partial` and renamed only once complete, so a crash
 * or a failing source (it must throw, not just end) never leaves a half backup under the real name.
 */
export async function writeBackup(
  source: AsyncIterable<Uint8Array>,
  file: string,
  passphrase: string,
  engine: BackupEngine,
  contents: BackupContents,
): Promise<BackupHeader> {
  checkPassphrase(passphrase)
  const salt = Buffer.alloc(sodium.crypto_pwhash_SALTBYTES)
  sodium.randombytes_buf(salt)
  const kdf = {
    alg: 'argon2id13' as const,
    opslimit: sodium.crypto_pwhash_OPSLIMIT_MODERATE,
    memlimit: sodium.crypto_pwhash_MEMLIMIT_MODERATE,
    salt: salt.toString('base64'),
  }
  const key = await deriveKey(passphrase, kdf)
  const { streamHeader, encrypt } = encryptor(key)
  sodium.sodium_memzero(key)
  const header: BackupHeader = {
    engine,
    contents,
    created_at: new Date().toISOString(),
    kdf,
    cipher: { alg: 'xchacha20poly1305-secretstream', header: streamHeader.toString('base64'), chunk: CHUNK },
  }
  const preamble = Buffer.from(`${MAGIC}\n${JSON.stringify(header)}\n`)
  const partial = `${file}.partial`
  await rm(partial, { force: true })
  try {
    await pipeline(
      async function* () {
        yield preamble
        yield* encrypt(source, preamble)
      },
      createWriteStream(partial, { flags: 'wx', mode: 0o600, flush: true }),
    )
    await rename(partial, file)
  } catch (error) {
    await rm(partial, { force: true })
    throw error
  }
  return header
}

/** Reads and checks a backup file's two header lines (authenticated only later, with the first chunk). */
export async function readPreamble(file: string): Promise<Preamble> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new BackupError('ERR_BACKUP_NOT_A_BACKUP', `Cannot read ${file}: ${error.code ?? error.message}.`)
  })
  const bytes = Buffer.alloc(MAX_PREAMBLE)
  const { bytesRead } = await handle.read(bytes, 0, MAX_PREAMBLE, 0).finally(() => handle.close())
  const head = bytes.subarray(0, bytesRead)
  const firstLine = head.indexOf(0x0a)
  const secondLine = firstLine < 0 ? -1 : head.indexOf(0x0a, firstLine + 1)
  const notABackup = new BackupError(
    'ERR_BACKUP_NOT_A_BACKUP',
    `${file} is not a Lifeline backup (or its header is damaged).`,
  )
  if (secondLine < 0 || head.subarray(0, firstLine).toString() !== MAGIC) throw notABackup
  let parsed: unknown
  try {
    parsed = JSON.parse(head.subarray(firstLine + 1, secondLine).toString())
  } catch {
    throw notABackup
  }
  const header = headerSchema.safeParse(parsed)
  if (!header.success) throw notABackup
  const start = secondLine + 1
  return { header: header.data, start, ad: Buffer.from(head.subarray(0, start)) }
}

/** Derives the key from the passphrase (argon2id, about a second); wipe it with sodium_memzero after. */
export function unlockKey(preamble: Preamble, passphrase: string): Promise<Buffer> {
  return deriveKey(passphrase, preamble.header.kdf)
}

/** The file's plaintext chunk by chunk, each checked before it is yielded (see secret-stream.ts). */
export function decryptChunks(file: string, preamble: Preamble, key: Buffer): AsyncGenerator<Buffer> {
  const { header } = preamble
  const source = createReadStream(file, { start: preamble.start, highWaterMark: header.cipher.chunk + 64 })
  return decrypt(source, {
    streamHeader: Buffer.from(header.cipher.header, 'base64'),
    key,
    ad: preamble.ad,
    chunk: header.cipher.chunk,
  })
}
