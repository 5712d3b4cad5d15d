/**
 * The server key: 32 random bytes in a file outside the database (LIFELINE_SERVER_KEY_FILE, by default
 * `<data dir>-server.key`, beside the data dir and never inside it), which no database backup, dump,
 * replica or stolen copy includes. What must not open from a copy of the database alone is keyed with
 * it: members' private keys are wrapped under their password *and* this key, and the keys behind the
 * address hashes, recovery codes, receipts, device cookies and form tokens are derived from it.
 *
 * Every app node must have the same file; the database keeps a check value (not the key) so a node
 * with a different or a new file refuses to start instead of failing every sign-in. Keep a copy of the
 * file apart from the backups: a backup restores only with it.
 */
import { constants } from 'node:fs'
import { mkdir, open, readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import sodium from 'sodium-native'
import type { Db } from '../db/database.ts'
import { mac, randomBytes, secureCopy } from './primitives.ts'

const KEY_BYTES = 32

/** The server key file for a data dir when none is set: beside it, never inside it. */
export function defaultServerKeyFile(dataDir: string): string {
  return `${resolve(dataDir)}-server.key`
}

/** Raised when the server key file can't be used: unreadable, the wrong size, or not this database's. */
export class ServerKeyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ServerKeyError'
  }
}

/** The server key, held in memory libsodium guards; only keys derived from it leave this class. */
export class ServerKey {
  readonly path: string
  readonly #key: Buffer
  readonly #derived = new Map<string, Buffer>()

  private constructor(path: string, key: Buffer) {
    this.path = path
    this.#key = secureCopy(key)
  }

  /** Reads the key at `path`, making it (0600, flushed to disk) when there is none yet. */
  static async load(path: string): Promise<ServerKey> {
    const file = resolve(path)
    let key = await readKey(file)
    if (!key) {
      await mkdir(dirname(file), { recursive: true, mode: 0o700 })
      key = await createKey(file)
    }
    return new ServerKey(file, key)
  }

  /** A key from `bytes` given directly (tests, and tools that hold the key some other way). */
  static fromBytes(bytes: Buffer, path = '(in memory)'): ServerKey {
    if (bytes.length !== KEY_BYTES) throw new ServerKeyError(`A server key is ${KEY_BYTES} bytes.`)
    return new ServerKey(path, Buffer.from(bytes))
  }

  /**
   * A 32-byte key for one purpose (a name like 'address hashes'), the same on every node with the same
   * file; keys for different purposes are unrelated. BLAKE2b keyed with the server key.
   */
  derive(purpose: string): Buffer {
    let key = this.#derived.get(purpose)
    if (!key) {
      key = secureCopy(mac(`lifeline server key: ${purpose}`, this.#key))
      this.#derived.set(purpose, key)
    }
    return key
  }

  /** A value that names this key without revealing it, kept in the database to catch a wrong file. */
  get checkValue(): string {
    return this.derive('check value').toString('base64')
  }
}

async function readKey(path: string): Promise<Buffer | null> {
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new ServerKeyError(`The server key ${path} can't be read: ${(error as Error).message}`)
  }
  if (bytes.length !== KEY_BYTES) {
    bytes.fill(0)
    throw new ServerKeyError(`The server key ${path} is not ${KEY_BYTES} bytes: it is damaged or not a key.`)
  }
  return bytes
}

async function createKey(path: string): Promise<Buffer> {
  const key = randomBytes(KEY_BYTES)
  let file: Awaited<ReturnType<typeof open>>
  try {
    file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const theirs = await readKey(path)
      if (theirs) return theirs
    }
    throw error
  }
  try {
    await file.writeFile(key)
    await file.sync()
  } finally {
    await file.close()
  }
  const folder = await open(dirname(path), 'r')
  try {
    await folder.sync()
  } finally {
    await folder.close()
  }
  return key
}

const serverKeys = new WeakMap<Db, ServerKey>()

/** Ties a store's query builder to its server key (openStore does this). */
export function attachServerKey(db: Db, key: ServerKey): void {
  serverKeys.set(db, key)
}

/** The server key of the store `db` belongs to (not of a transaction: look it up before one). */
export function serverKeyOf(db: Db): ServerKey {
  const key = serverKeys.get(db)
  if (!key) throw new Error("No server key for this database handle (a transaction? use the store's db)")
  return key
}

/**
 * Checks the server key against the check value the database keeps, storing it the first time.
 * Throws ServerKeyError when they differ: the file is another installation's, or a new one made
 * because the right one was missing.
 */
export async function checkServerKey(db: Db, key: ServerKey): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key: 'server_key_check', value: key.checkValue })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'server_key_check')
    .executeTakeFirstOrThrow()
  const stored = Buffer.from(row.value, 'base64')
  const ours = Buffer.from(key.checkValue, 'base64')
  if (stored.length !== ours.length || !sodium.sodium_memcmp(stored, ours)) {
    throw new ServerKeyError(
      `The server key ${key.path} is not the one this database was set up with. Put the right file there (from the copy kept apart from backups) or point LIFELINE_SERVER_KEY_FILE at it; without it no member's key can be opened.`,
    )
  }
}
