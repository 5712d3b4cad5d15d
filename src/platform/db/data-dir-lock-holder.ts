/**
 * Who holds a data dir's lock, and whether that process is still alive.
 *
 * proper-lockfile's lock folder only says "someone refreshed me lately": after a crash it stays fresh for
 * STALE_MS, and a service manager restarting at once would be refused until then. So the holder also writes
 * a record beside the folder (`lifeline.lock.json`, 0600): its pid and that process's start time (from
 * /proc, so a recycled pid is not taken for the holder), the machine (host name, boot id, pid namespace) and,
 * for the database process, its parent's pid and start time. From the same machine a reader can tell:
 *   - live:    the holder runs — refuse;
 *   - orphan:  the holder runs but the server that forked it is gone — it is closing the database on its
 *              own ('disconnect' in pglite-host.ts): wait for it;
 *   - dead:    the holder has ended — its folder is a leftover: take it over at once;
 *   - unknown: another machine (a shared filesystem), or no record (an old version, or a holder between
 *              taking the folder and writing it) — only staleness can free it.
 * The record also tells the command line where the running server's database listens (`socket`).
 *
 * The record is written after the folder is taken and removed before the folder is let go, so a record
 * never describes a folder taken after it; a claimer renames the record away first (one rename wins) and
 * checks it is still the dead one it judged before removing the folder.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync, readlinkSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'

/** The record beside the lock folder (see the header). */
export const HOLDER_RECORD_NAME = 'lifeline.lock.json'

/** What a holder writes about itself. */
export type HolderRecord = {
  pid: number
  /** Start time of `pid` in clock ticks since boot (/proc/<pid>/stat field 22); null off Linux. */
  started: string | null
  host: string
  boot: string | null
  pidNamespace: string | null
  /** The process whose end makes the holder let go (the server, for its database process). */
  parent: { pid: number; started: string | null } | null
  /** Whether the holder is a server, which serves its database to commands (see `socket`). */
  serves: boolean
  /** Where the holder serves the database, once it does. */
  socket: string | null
  /** Tells this record from a later one of the same process. */
  nonce: string
}

/** What a reader concludes about a record (see the header). */
export type HolderVerdict = 'live' | 'orphan' | 'dead' | 'unknown'

function readOrNull(read: () => string): string | null {
  try {
    return read().trim()
  } catch {
    return null
  }
}

/** The start time of process `pid` (clock ticks since boot), or null when /proc can't say. */
export function processStart(pid: number): string | null {
  const stat = readOrNull(() => readFileSync(`/proc/${pid}/stat`, 'utf8'))
  if (!stat) return null
  // The name in parentheses may hold spaces and parentheses: count fields after the last ')'. Field 3
  // (state) comes first there, so field 22 (starttime) is the 20th.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
}

function thisMachine(): Pick<HolderRecord, 'host' | 'boot' | 'pidNamespace'> {
  return {
    host: hostname(),
    boot: readOrNull(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pidNamespace: readOrNull(() => readlinkSync('/proc/self/ns/pid')),
  }
}

/** The record this process writes when it takes the lock; `tiedToParent` for a child that ends with its parent. */
export function recordForThisProcess({
  tiedToParent,
  serves,
}: {
  tiedToParent: boolean
  serves: boolean
}): HolderRecord {
  return {
    pid: process.pid,
    started: processStart(process.pid),
    ...thisMachine(),
    parent: tiedToParent ? { pid: process.ppid, started: processStart(process.ppid) } : null,
    serves,
    socket: null,
    nonce: randomUUID(),
  }
}

function alive({ pid, started }: { pid: number; started: string | null }): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  // Off Linux there is no start time to compare: a live pid is taken for the holder.
  return started === null || processStart(pid) === started
}

/** Judges a record from this process's point of view. */
export function judge(record: HolderRecord): HolderVerdict {
  const here = thisMachine()
  if (record.host !== here.host || record.boot !== here.boot || record.pidNamespace !== here.pidNamespace)
    return 'unknown'
  if (!alive(record)) return 'dead'
  if (record.parent && !alive(record.parent)) return 'orphan'
  return 'live'
}

/** Reads the record at `path`; null when there is none or it is torn. */
export function readRecord(path: string): HolderRecord | null {
  const text = readOrNull(() => readFileSync(path, 'utf8'))
  if (!text) return null
  try {
    const record = JSON.parse(text) as HolderRecord
    return typeof record.pid === 'number' && typeof record.nonce === 'string' ? record : null
  } catch {
    return null
  }
}

/** Writes the record atomically (a reader sees the old one or the new one), readable by the owner only. */
export function writeRecord(path: string, record: HolderRecord): void {
  const temporary = `${path}.${record.nonce}.tmp`
  writeFileSync(temporary, JSON.stringify(record), { mode: 0o600 })
  renameSync(temporary, path)
}

/** Removes the record if it is still `nonce`'s (a claimer may have replaced it). */
export function removeRecord(path: string, nonce: string): void {
  if (readRecord(path)?.nonce === nonce) rmSync(path, { force: true })
}

/**
 * Frees a lock whose holder was judged dead from `judged`: true when this caller removed it (or it was
 * already gone) and may try to take the lock again.
 */
export function claimFromDead(recordPath: string, lockPath: string, judged: HolderRecord): boolean {
  const aside = `${recordPath}.${randomUUID()}.dead`
  try {
    renameSync(recordPath, aside)
  } catch {
    // Another claimer won, or the holder let go: look again.
    return true
  }
  if (readRecord(aside)?.nonce !== judged.nonce) {
    // A new holder wrote its record between our read and the rename: give it back.
    renameSync(aside, recordPath)
    return false
  }
  rmSync(aside, { force: true })
  try {
    rmdirSync(lockPath)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  return true
}

/** The lock folder's age in ms, or null when there is none. */
export function lockAge(lockPath: string): number | null {
  try {
    return Date.now() - statSync(lockPath).mtimeMs
  } catch {
    return null
  }
}
