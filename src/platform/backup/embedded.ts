/**
 * Restoring the embedded database: a new data dir is built beside the target from the backup's rows, and
 * only a complete, checked copy is moved into place. An old data dir is moved aside, never deleted.
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { DATA_DIR_LOCK_NAME, isDataDirLocked, isRuntimeEntry, lockDataDir } from '../db/data-dir-lock.ts'
import { BackupError } from './errors.ts'
import { served } from './in-process.ts'
import { dumpRows } from './rows-dump.ts'
import { loadRows } from './rows-load.ts'

/** What is in the way of a restore into `dataDir`: nothing, an empty folder, or a database. */
export type EmbeddedTargetState = 'missing' | 'empty' | 'full'

/** Refuses a data dir that a running Lifeline holds, or that has data when `force` isn't given. */
export async function checkEmbeddedTarget(dataDir: string, force: boolean): Promise<EmbeddedTargetState> {
  const target = resolve(dataDir)
  const entries = await readdir(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null
    throw error
  })
  if (entries === null) return 'missing'
  // The same lock pglite-host.ts holds while a server (or a command) has the database open.
  if (await isDataDirLocked(target)) throw inUse(target)
  // A lock folder, its record or a socket left by a crash is not data.
  const state = entries.some((name) => !isRuntimeEntry(name)) ? 'full' : 'empty'
  if (state === 'full' && !force)
    throw new BackupError(
      'ERR_BACKUP_TARGET_NOT_EMPTY',
      `${target} already holds data. Restore into an empty folder (set LIFELINE_DATA_DIR), or pass --force to move the old one aside to ${target}.before-restore-<time> first.`,
    )
  return state
}

/** What an embedded backup holds: live rows (rows-format.ts), or, in files written before, PGlite's data dir. */
export type EmbeddedDump = 'rows' | 'data-dir'

/**
 * Builds a new data dir beside `dataDir` from a decrypted backup and, once it is complete, puts it in
 * place; returns where the old one went. It is always a new database loaded with live rows: a backup
 * of the data dir's files (written before) is opened in memory only, and its rows copied out of it, so
 * what the old files still held of deleted rows stays behind.
 */
export async function restoreEmbedded(
  plaintext: AsyncIterable<Buffer>,
  dump: EmbeddedDump,
  dataDir: string,
  force: boolean,
): Promise<{ movedAside?: string }> {
  const target = resolve(dataDir)
  await checkEmbeddedTarget(target, force)
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const staging = `${target}.restoring-${stamp}`
  await mkdir(dirname(target), { recursive: true })
  await mkdir(staging)
  try {
    const db = await PGlite.create({ dataDir: `${staging}/pglite`, extensions: { pg_trgm } })
    try {
      if (dump === 'rows') await loadRows(db, plaintext)
      else await loadRows(db, rowsOfDataDir(plaintext))
    } finally {
      await db.close()
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    if (error instanceof BackupError) throw error
    throw new BackupError('ERR_BACKUP_DAMAGED', `The backup decrypted, but could not be restored: ${error}`)
  }
  return swapIn(staging, target, stamp)
}

// An old backup's data dir (PGlite's gzip'd tar), opened in memory and read back as rows.
async function* rowsOfDataDir(tarball: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of tarball) chunks.push(chunk)
  const old = await PGlite.create({
    loadDataDir: new Blob(chunks as Uint8Array<ArrayBuffer>[], { type: 'application/gzip' }),
    extensions: { pg_trgm },
  })
  chunks.length = 0
  try {
    const rows: Buffer[] = []
    // Read whole before loading: the two databases run on this one thread.
    await served(old, async (pool) => {
      for await (const chunk of dumpRows(pool)) rows.push(chunk)
    })
    yield* rows
  } finally {
    await old.close()
  }
}

// Checked again under the lock: a server may have started while the copy was being built.
async function swapIn(staging: string, target: string, stamp: string): Promise<{ movedAside?: string }> {
  const state = await checkEmbeddedTarget(target, true).catch(async (error: unknown) => {
    await rm(staging, { recursive: true, force: true })
    throw error
  })
  let movedAside: string | undefined
  if (state !== 'missing') {
    // The rename carries the lock folder away with the old data dir, which would look like a lost lock.
    const lock = await lockDataDir(target, { exitIfLost: false }).catch(() => null)
    if (!lock) {
      await rm(staging, { recursive: true, force: true })
      throw inUse(target)
    }
    if (state === 'full') {
      movedAside = `${target}.before-restore-${stamp}`
      await rename(target, movedAside).catch(async (error: unknown) => {
        await lock.release()
        throw error
      })
    }
    await lock.release()
    if (movedAside) await rm(`${movedAside}/${DATA_DIR_LOCK_NAME}`, { recursive: true, force: true })
  }
  // Renaming onto an empty folder replaces it; onto anything else it fails, and the copy stays for a person to move.
  await rename(staging, target).catch((error: NodeJS.ErrnoException) => {
    throw new BackupError(
      'ERR_BACKUP_TARGET_IN_USE',
      `Something appeared in ${target} during the restore (${error.code}). The restored data is complete in ${staging}: stop whatever uses ${target} and move it there.`,
    )
  })
  return movedAside ? { movedAside } : {}
}

function inUse(target: string): BackupError {
  return new BackupError(
    'ERR_BACKUP_TARGET_IN_USE',
    `The database in ${target} is in use by a running Lifeline. Stop the server, then restore again (or restore into another folder and point LIFELINE_DATA_DIR at it).`,
  )
}
