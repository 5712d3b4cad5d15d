/**
 * Encrypted backups of the whole database, and restoring them. A backup holds live rows only, never the
 * database's files: the embedded database's rows as COPY writes them (rows-dump.ts), native PostgreSQL's
 * as pg_dump's custom archive. Neither holds the rows of left-out.ts (sessions, sign-in failures, job
 * history). A backup restores only into the engine it came from.
 */
import type pg from 'pg'
import sodium from 'sodium-native'
import type { Store } from '../db/database.ts'
import { checkEmbeddedTarget, restoreEmbedded } from './embedded.ts'
import { BackupError } from './errors.ts'
import {
  type BackupEngine,
  type BackupHeader,
  checkPassphrase,
  contentsOf,
  decryptChunks,
  readPreamble,
  unlockKey,
  writeBackup,
} from './format.ts'
import { clearLeftOut, hasLifelineTables, pgDump, pgRestore } from './native.ts'
import { dumpRows } from './rows-dump.ts'

export { BackupError } from './errors.ts'
export { checkPassphrase } from './format.ts'

/** What can be backed up: an open embedded store (its rows are read through its pool), or native PostgreSQL's URL. */
export type BackupSource = Pick<Store, 'engine'> & { pool?: pg.Pool; databaseUrl?: string }

/** `compress: false` leaves pg_dump's archive uncompressed (for inspection); the embedded rows are never compressed. */
export type BackupOptions = { compress?: boolean }

/** Where a restore goes. `force` replaces existing data (embedded: moved aside; native: pg_restore --clean). */
export type RestoreTarget =
  | { engine: 'pglite'; dataDir: string; force?: boolean }
  | { engine: 'postgres'; databaseUrl: string; force?: boolean }

/** Dumps the database and writes it encrypted under `passphrase` to `file`; returns the file's header. */
export async function backupTo(
  source: BackupSource,
  file: string,
  passphrase: string,
  options: BackupOptions = {},
): Promise<BackupHeader> {
  checkPassphrase(passphrase)
  if (source.engine === 'postgres') {
    if (!source.databaseUrl) throw new Error('A native backup needs the database URL.')
    const archive = pgDump(source.databaseUrl, options.compress ?? true)
    return writeBackup(archive, file, passphrase, 'postgres', 'pg_dump-custom')
  }
  if (!source.pool) throw new Error('An embedded backup needs the open store.')
  return writeBackup(dumpRows(source.pool), file, passphrase, 'pglite', 'rows')
}

/**
 * Decrypts `file` and restores it into `target`. Every refusal (wrong engine, target in use or not empty,
 * wrong passphrase, damaged file) happens before anything is changed.
 */
export async function restoreFrom(
  file: string,
  passphrase: string,
  target: RestoreTarget,
): Promise<{ header: BackupHeader; movedAside?: string }> {
  const preamble = await readPreamble(file)
  const { header } = preamble
  if (header.engine !== target.engine) throw engineMismatch(header.engine, target.engine)
  const contents = contentsOf(header)
  if (!contents)
    throw new BackupError(
      'ERR_BACKUP_TOO_NEW',
      `This backup holds "${header.contents}", which this version of Lifeline can't read: it was made by a newer one. Restore it with that version or a later one.`,
    )
  const force = target.force ?? false
  if (target.engine === 'pglite') await checkEmbeddedTarget(target.dataDir, force)
  else if (!force && (await hasLifelineTables(target.databaseUrl)))
    throw new BackupError(
      'ERR_BACKUP_TARGET_NOT_EMPTY',
      'The target database already has Lifeline tables. Restore into an empty database, or pass --force to replace what the backup contains (pg_restore --clean).',
    )
  const key = await unlockKey(preamble, passphrase)
  try {
    // The whole file is checked first: a damaged or cut-off file is refused before any work is done
    // (pg_restore starts changing the database as soon as data arrives; the embedded copy is built aside).
    for await (const _ of decryptChunks(file, preamble, key));
    if (target.engine === 'pglite') {
      const dump = contents === 'rows' ? 'rows' : 'data-dir'
      return {
        header,
        ...(await restoreEmbedded(decryptChunks(file, preamble, key), dump, target.dataDir, force)),
      }
    }
    await pgRestore(target.databaseUrl, decryptChunks(file, preamble, key))
    await clearLeftOut(target.databaseUrl)
    return { header }
  } finally {
    sodium.sodium_memzero(key)
  }
}

/** Decrypts a whole backup into memory: to check it, or look inside (the rows, or pg_dump's archive). */
export async function decryptBackup(
  file: string,
  passphrase: string,
): Promise<{ header: BackupHeader; plaintext: Buffer }> {
  const preamble = await readPreamble(file)
  const key = await unlockKey(preamble, passphrase)
  try {
    const chunks: Buffer[] = []
    for await (const chunk of decryptChunks(file, preamble, key)) chunks.push(chunk)
    return { header: preamble.header, plaintext: Buffer.concat(chunks) }
  } finally {
    sodium.sodium_memzero(key)
  }
}

/** Checks every chunk of a backup without keeping the plaintext; returns its header and size. */
export async function verifyBackup(
  file: string,
  passphrase: string,
): Promise<{ header: BackupHeader; bytes: number }> {
  const preamble = await readPreamble(file)
  const key = await unlockKey(preamble, passphrase)
  try {
    let bytes = 0
    for await (const chunk of decryptChunks(file, preamble, key)) bytes += chunk.length
    return { header: preamble.header, bytes }
  } finally {
    sodium.sodium_memzero(key)
  }
}

function engineMismatch(from: BackupEngine, to: BackupEngine): BackupError {
  const name = (engine: BackupEngine) =>
    engine === 'pglite' ? 'the embedded database (no DATABASE_URL)' : 'native PostgreSQL (DATABASE_URL)'
  return new BackupError(
    'ERR_BACKUP_ENGINE_MISMATCH',
    `This backup is of ${name(from)} and can only be restored into ${name(from)}, not ${name(to)}. ${
      from === 'pglite' ? 'Unset DATABASE_URL' : 'Set DATABASE_URL'
    } to restore it.`,
  )
}
