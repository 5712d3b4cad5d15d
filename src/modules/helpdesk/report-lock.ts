/**
 * A report's lock: its erasure key (src/platform/intake/erasure-lock.ts) and the format it is locked in.
 * Its content, photos, thread and the
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
import { CryptoError, secretOpen, secretSeal } from '../../platform/crypto/primitives.ts'
import type { Db } from '../../platform/db/database.ts'
import { AppError } from '../../platform/errors.ts'
import {
  eraseItemKey,
  type ItemKey,
  itemKey,
  lockBound,
  newItemKey,
  unlockBound,
  unusedItemKey,
} from '../../platform/intake/erasure-lock.ts'
import { errors } from './errors.ts'
import type { ReportContent } from './triage.ts'

/** The format new reports are locked in (see above). */
export const LOCK_VERSION = 2

/** What unlocks a report: its key; none for reports stored before erasure keys; or 'erased'. */
export type ReportKey = ItemKey

/** A report's lock: its id, key and format, as the row says. */
export type ReportLock = { reportId: string; key: ReportKey; version: number }

/** Which part of a report some bytes are: its content, a photo (by its record id), a message (by id). */
export type Part = 'content' | `photo ${string}` | `message ${string}`

/** Whose copy: the one sealed to the desk's members, or the one sealed to the writer's receipt. */
export type Copy = 'desk' | 'writer'

/** A report's part that doesn't open as what its row says it is: changed or moved in the database. */
export function reportMismatch(reportId: string): AppError {
  return errors.ERR_HELPDESK_REPORT_MISMATCH(`report ${reportId} holds parts that are not its own`)
}

/** Whether `error` is a report's mismatch (see reportMismatch). */
export function isReportMismatch(error: unknown): boolean {
  return error instanceof AppError && error.code === 'ERR_HELPDESK_REPORT_MISMATCH'
}

/** An unused erasure key and its id, taken from those made ahead (so its file says nothing of when). */
export const newReportKey = newItemKey

/** Gives back the key of a report that was not stored: nothing was locked with it for good. */
export const unusedReportKey = unusedItemKey

/** The key a report names (`keyId` from helpdesk_reports.erasure_key). */
export const reportKey = itemKey

/** The lock of a report row (its id, erasure_key and lock_version). */
export async function reportLock(
  db: Db,
  row: { id: string; erasure_key: string | null; lock_version: number },
): Promise<ReportLock> {
  return { reportId: row.id, key: await reportKey(db, row.erasure_key), version: row.lock_version }
}

/** Destroys a report's key: what it locked can't be read again from anywhere. */
export const eraseReportKey = eraseItemKey

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
  return lockBound(report.key, contextOf(report.reportId, part, copy), plain)
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
 * a mismatch (reportMismatch) when the bytes are not this part of this report, or the key not its key.
 */
export function unlock(report: ReportLock, part: Part, copy: Copy, locked: Buffer): Buffer | null {
  const { key, version } = report
  if (key === 'erased') return null
  if (version === 1 && key === null) return locked
  // A report of a keyed format whose key id was removed from its row is not opened as unlocked.
  if (key === null) throw reportMismatch(report.reportId)
  try {
    if (version === 1) return secretOpen(locked, key)
    if (version === 2) return unlockBound(key, contextOf(report.reportId, part, copy), locked)
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error
  }
  throw reportMismatch(report.reportId)
}

/** A report's content from its unlocked bytes; a mismatch (reportMismatch) when they are not a report's. */
export function contentOf(report: ReportLock, plain: Buffer): ReportContent {
  try {
    return JSON.parse(plain.toString('utf8')) as ReportContent
  } catch {
    throw reportMismatch(report.reportId)
  }
}
