/**
 * A report's erasure key (src/platform/crypto/erasure-keys.ts): its content, photos, thread and the
 * writer's copies are locked with it before they are sealed, so destroying it — retention does —
 * leaves nothing readable in the database or in any backup of it.
 *
 * Lock formats, kept per report (helpdesk_reports.lock_version):
 * - 1 without a key (erasure_key null): reports stored before erasure keys, sealed only.
 * - 1 with a key: locked with secretSeal under the report's key, the same bytes for every part.
 * - 2 (now): each part padded to a 256-byte block (so its size tells little of what was written) and
 *   locked with XChaCha20-Poly1305 bound to what it is: the report's id, the part (its content, a
 *   photo by its record, a message by its id) and whose copy (the desk's or the writer's). A part moved
 *   to another report or place, or a report given another report's key, doesn't open: it is refused
 *   (ERR_HELPDESK_REPORT_MISMATCH), never shown as something it is not.
 */
import { sql } from 'kysely'
import { claimErasureKey, returnErasureKey } from '../../platform/crypto/erasure-key-pool.ts'
import { erasureKeysOf } from '../../platform/crypto/erasure-keys.ts'
import {
  aeadOpen,
  aeadSeal,
  CryptoError,
  pad,
  secretOpen,
  secretSeal,
  unpad,
} from '../../platform/crypto/primitives.ts'
import type { Db } from '../../platform/db/database.ts'
import { AppError } from '../../platform/errors.ts'
import type { ReportContent } from './forms.ts'

/** The format new reports are locked in (see above). */
export const LOCK_VERSION = 2

/** What unlocks a report: its key; none for reports stored before erasure keys; or 'erased'. */
export type ReportKey = Buffer | null | 'erased'

/** A report's lock: its id, key and format, as the row says. */
export type ReportLock = { reportId: string; key: ReportKey; version: number }

/** Which part of a report some bytes are: its content, a photo (by its record id), a message (by id). */
export type Part = 'content' | `photo ${string}` | `message ${string}`

/** Whose copy: the one sealed to the desk's members, or the one sealed to the writer's receipt. */
export type Copy = 'desk' | 'writer'

/** A report's part that doesn't open as what its row says it is: changed or moved in the database. */
export class ReportMismatchError extends AppError {
  constructor(reportId: string) {
    super('ERR_HELPDESK_REPORT_MISMATCH', 409, `report ${reportId} holds parts that are not its own`)
  }
}

/** An unused erasure key and its id, taken from those made ahead (so its file says nothing of when). */
export function newReportKey(db: Db): Promise<{ id: string; key: Buffer }> {
  return claimErasureKey(db)
}

/** Gives back the key of a report that was not stored: nothing was locked with it for good. */
export function unusedReportKey(db: Db, keyId: string): Promise<void> {
  return returnErasureKey(db, keyId)
}

/** The key a report names (`keyId` from helpdesk_reports.erasure_key). */
export async function reportKey(db: Db, keyId: string | null): Promise<ReportKey> {
  if (keyId === null) return null
  return (await erasureKeysOf(db).read(keyId)) ?? 'erased'
}

/** The lock of a report row (its id, erasure_key and lock_version). */
export async function reportLock(
  db: Db,
  row: { id: string; erasure_key: string | null; lock_version: number },
): Promise<ReportLock> {
  return { reportId: row.id, key: await reportKey(db, row.erasure_key), version: row.lock_version }
}

/** Which of the erasure keys `ids` reports name (the platform's sweep asks, erasure-key-sweep.ts). */
export async function reportKeysInUse(db: Db, ids: string[]): Promise<string[]> {
  const rows = await db
    .selectFrom('helpdesk_reports')
    .select('erasure_key')
    .where('erasure_key', '=', sql<string>`any(${ids}::uuid[])`)
    .execute()
  return rows.map((row) => row.erasure_key!)
}

/** Destroys a report's key: what it locked can't be read again from anywhere. */
export async function eraseReportKey(db: Db, keyId: string | null): Promise<void> {
  if (keyId !== null) await erasureKeysOf(db).destroy(keyId)
}

// What a part's lock is bound to: the format, the report, the part and whose copy.
const contextOf = (reportId: string, part: Part, copy: Copy) =>
  `lifeline helpdesk lock v2; report ${reportId}; ${part}; ${copy} copy`

/** `plain` locked, in the current format, as part `part` of the report, for `copy`. */
export function lock(
  report: { reportId: string; key: Buffer },
  part: Part,
  copy: Copy,
  plain: Buffer,
): Buffer {
  const padded = pad(plain)
  try {
    return aeadSeal(padded, report.key, contextOf(report.reportId, part, copy))
  } finally {
    padded.fill(0)
  }
}

/**
 * `plain` locked as part `part` in the report's own format, for the desk and for the writer: a report
 * stored in an older format keeps it for its whole thread.
 */
export function lockPart(report: ReportLock, part: Part, plain: Buffer): { desk: Buffer; writer: Buffer } {
  const { key, reportId } = report
  if (key === 'erased') throw new Error(`report ${reportId} is erased`)
  if (report.version === LOCK_VERSION && key)
    return {
      desk: lock({ reportId, key }, part, 'desk', plain),
      writer: lock({ reportId, key }, part, 'writer', plain),
    }
  const locked = key ? secretSeal(plain, key) : plain
  return { desk: locked, writer: locked }
}

/**
 * What `lock` made (or an older format's lock), opened; null once the key is erased. Throws
 * ReportMismatchError when the bytes are not this part of this report, or the key not its key.
 */
export function unlock(report: ReportLock, part: Part, copy: Copy, locked: Buffer): Buffer | null {
  const { key, version } = report
  if (key === 'erased') return null
  if (version === 1 && key === null) return locked
  // A report of a keyed format whose key id was removed from its row is not opened as unlocked.
  if (key === null) throw new ReportMismatchError(report.reportId)
  try {
    if (version === 1) return secretOpen(locked, key)
    if (version === 2) return unpad(aeadOpen(locked, key, contextOf(report.reportId, part, copy)))
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error
  }
  throw new ReportMismatchError(report.reportId)
}

/** A report's content from its unlocked bytes; ReportMismatchError when they are not a report's. */
export function contentOf(report: ReportLock, plain: Buffer): ReportContent {
  try {
    return JSON.parse(plain.toString('utf8')) as ReportContent
  } catch {
    throw new ReportMismatchError(report.reportId)
  }
}
