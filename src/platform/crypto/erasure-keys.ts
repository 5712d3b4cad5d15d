/**
 * Erasure keys: a random key for each item that must be gone for good once deleted (a help-desk
 * report and everything in it), kept as a small file outside the database, in a folder no backup
 * includes. What the database holds of the item is locked with that key as well as sealed; deleting
 * the file makes every copy of it unreadable for ever: the database's, its replicas', and every
 * backup's, even to someone who has a member's password.
 *
 * The folder (LIFELINE_ERASURE_KEYS_DIR, by default beside the data dir as `<data dir>-erasure-keys`)
 * is the other half of the data: lose it and those items can't be read either. With several app
 * nodes it must be storage they share. Keep any copy of it only for less than the shortest retention
 * period, or not at all.
 *
 * A file's times would tell when the item it locks came in, finer than anything the database keeps
 * (a report's time is rounded to 10 minutes): keys are therefore made ahead, in batches, and taken
 * from a pool when an item arrives (erasure-key-pool.ts), and reading one leaves its access time alone.
 */
import { randomUUID } from 'node:crypto'
import { constants } from 'node:fs'
import { mkdir, open, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Db, Store } from '../db/database.ts'
import { newSymmetricKey } from './primitives.ts'
import { isUuid } from './sealed-support.ts'

const KEY_BYTES = 32
// Reading a key must not stamp the file with the time of the read: the first read after a key is
// made would otherwise record when a writer came back with their receipt. O_NOATIME is Linux's (0
// elsewhere) and needs the file to be ours; where it is refused, the read goes on without it.
const NO_ATIME = constants.O_NOATIME ?? 0

/** The folder of erasure keys for a data dir when none is set: beside it, never inside it. */
export function defaultErasureKeysDir(dataDir: string): string {
  return `${resolve(dataDir)}-erasure-keys`
}

/** The erasure keys in one folder: made, read and destroyed by id. */
export class ErasureKeys {
  readonly dir: string
  private readonly durable: boolean
  // Folders known to exist (there are at most 256).
  private readonly folders = new Set<string>()

  /**
   * `durable`: each new key is flushed to disk (with its folder entry) before it is used, as native
   * PostgreSQL flushes a commit. The embedded database runs without fsync, and so do its keys.
   */
  constructor(dir: string, durable: boolean) {
    this.dir = dir
    this.durable = durable
  }

  private pathOf(id: string): string {
    if (!isUuid(id)) throw new Error(`Not an erasure key id: ${JSON.stringify(id).slice(0, 60)}`)
    return join(this.dir, id.slice(0, 2), id)
  }

  /** Makes and stores the key `id` (a new UUID); fails if it exists. */
  async create(id: string): Promise<Buffer> {
    const path = this.pathOf(id)
    const folder = join(this.dir, id.slice(0, 2))
    if (!this.folders.has(folder)) {
      await mkdir(folder, { recursive: true, mode: 0o700 })
      this.folders.add(folder)
    }
    const key = newSymmetricKey()
    try {
      await this.write(path, folder, key)
    } catch (error) {
      // The folder went away since (someone tidied up): make it again, once.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      await mkdir(folder, { recursive: true, mode: 0o700 })
      await this.write(path, folder, key)
    }
    return key
  }

  private async write(path: string, folder: string, key: Buffer): Promise<void> {
    if (!this.durable) return writeFile(path, key, { flag: 'wx', mode: 0o600 })
    const file = await open(path, 'wx', 0o600)
    try {
      await file.writeFile(key)
      await file.sync()
    } finally {
      await file.close()
    }
    await syncFolder(folder)
  }

  /**
   * Makes `count` new keys under fresh random ids, all written (and, when durable, flushed with their
   * folder entries) before the ids are returned. Made ahead of need by erasure-key-pool.ts, so no
   * key file carries the time of the submission that uses it.
   */
  async createMany(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID())
    // A few at a time: each durable key waits for two flushes.
    for (let start = 0; start < ids.length; start += 16)
      await Promise.all(ids.slice(start, start + 16).map(async (id) => (await this.create(id)).fill(0)))
    return ids
  }

  /** The key `id`, or null when it was destroyed (or never made). Leaves the file's times alone. */
  async read(id: string): Promise<Buffer | null> {
    const path = this.pathOf(id)
    let file: Awaited<ReturnType<typeof open>>
    try {
      file = await open(path, constants.O_RDONLY | NO_ATIME).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EPERM' && NO_ATIME) return open(path, constants.O_RDONLY)
        throw error
      })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
    try {
      const key = await file.readFile()
      return key.length === KEY_BYTES ? key : null
    } finally {
      await file.close()
    }
  }

  /**
   * Destroys the key `id`: what it locked can't be read again, from anywhere. When durable, the removal
   * is flushed with its folder entry before this returns, as a commit would be: a power cut just after
   * must not bring back a key whose report the database has already deleted.
   */
  async destroy(id: string): Promise<void> {
    const path = this.pathOf(id)
    await rm(path, { force: true })
    if (this.durable) await syncFolder(join(this.dir, id.slice(0, 2))).catch(ignoreMissing)
  }

  /**
   * The ids of the keys in the folder, one sub-folder (about 1/256 of them) at a time, for the sweep of
   * keys no item names (erasure-key-sweep.ts). Names that are not key ids are left out.
   */
  async *listed(): AsyncGenerator<string[]> {
    const folders = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[]
      throw error
    })
    for (const folder of folders.sort()) {
      if (!/^[0-9a-f]{2}$/.test(folder)) continue
      const names = await readdir(join(this.dir, folder)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [] as string[]
        throw error
      })
      const ids = names.filter((name) => isUuid(name) && name.startsWith(folder))
      if (ids.length) yield ids
    }
  }

  /**
   * When the key `id` was made (its file's change time: a batch of the pool's, never an item's
   * arrival), or null when it is gone. Reading the file's status leaves its times alone.
   */
  async madeAt(id: string): Promise<Date | null> {
    try {
      const stats = await stat(this.pathOf(id))
      return new Date(Math.max(stats.mtimeMs, stats.ctimeMs))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  }
}

async function syncFolder(folder: string): Promise<void> {
  const entry = await open(folder, 'r')
  try {
    await entry.sync()
  } finally {
    await entry.close()
  }
}

// A folder tidied away by hand holds no key to flush.
function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error
}

const keysByDb = new WeakMap<Db, ErasureKeys>()

/**
 * Opens the erasure keys of `store`'s items, in `dir` (LIFELINE_ERASURE_KEYS_DIR) or else beside the
 * data dir, and ties them to its db, so code that holds only the db (jobs, commands) finds them with
 * erasureKeysOf. Native PostgreSQL flushes each new key to disk; the embedded database doesn't.
 */
export function attachErasureKeys(
  store: Pick<Store, 'db' | 'engine'>,
  where: { dataDir: string; dir?: string },
): ErasureKeys {
  const dir = where.dir ? resolve(where.dir) : defaultErasureKeysDir(where.dataDir)
  const keys = new ErasureKeys(dir, store.engine === 'postgres')
  keysByDb.set(store.db, keys)
  return keys
}

/** The erasure keys of the store `db` belongs to (not of a transaction: look them up before one). */
export function erasureKeysOf(db: Db): ErasureKeys {
  const keys = keysByDb.get(db)
  if (!keys) throw new Error("No erasure keys for this database handle (a transaction? use the store's db)")
  return keys
}
