/**
 * The desk's side of a report: reading it (decrypted for that member only, every read audited), its
 * photos, the reports grouped with it. A report outside the member's desks is not found, never
 * forbidden: its existence is not told.
 */
import {
  isUuid,
  type KeyHolder,
  openRecord,
  openRecords,
  SealedError,
} from '../../../platform/crypto/sealed-records.ts'
import type { Db } from '../../../platform/db/database.ts'
import { relockReport } from '../commands/relock-report.ts'
import { contentOf, LOCK_VERSION, type Part, type ReportLock, reportLock, unlock } from '../report-lock.ts'
import type { PersonFlag } from '../schema.ts'
import type { MessageAuthor, Outcome, ReportStatus, Urgency } from '../tables.ts'
import type { ReportContent } from '../triage.ts'

/** A report's clear metadata, as its desk's members see it. */
export type ReportMeta = {
  id: string
  deskId: string
  form: 'detained' | 'legal'
  category: string
  urgency: Urgency
  /** What about the person made it urgent (a minor, a foreign citizen, ill health). */
  flags: PersonFlag[]
  status: ReportStatus
  outcome: Outcome | null
  regionId: number | null
  receivedAt: Date
  closedAt: Date | null
  assigneeId: string | null
  groupId: string | null
  writerWaiting: boolean
  chronicleEventId: number | null
  /** Whether the writer withdrew their consent to publish (commands/withdraw-consent.ts). */
  consentWithdrawn: boolean
  contentId: string
  /** The report's erasure key's id (report-lock.ts); null for one stored before erasure keys. */
  erasureKey: string | null
  /** How its parts are locked (report-lock.ts). */
  lockVersion: number
}

/** The report `reportId` if `userId` is a member of its desk, else null. */
export async function reportOfMember(db: Db, reportId: string, userId: string): Promise<ReportMeta | null> {
  if (!isUuid(reportId)) return null
  const row = await db
    .selectFrom('helpdesk_reports as r')
    .innerJoin('desk_members as m', (join) =>
      join.onRef('m.desk_id', '=', 'r.desk_id').on('m.user_id', '=', userId),
    )
    .selectAll('r')
    .where('r.id', '=', reportId)
    .executeTakeFirst()
  if (!row) return null
  return {
    id: row.id,
    deskId: row.desk_id,
    form: row.form,
    category: row.category,
    urgency: row.urgency,
    flags: row.flags,
    status: row.status,
    outcome: row.outcome,
    regionId: row.region_id,
    receivedAt: row.received_at,
    closedAt: row.closed_at,
    assigneeId: row.assignee_id,
    groupId: row.group_id,
    writerWaiting: row.writer_waiting,
    chronicleEventId: row.chronicle_event_id,
    consentWithdrawn: row.consent_withdrawn,
    contentId: row.content_id,
    erasureKey: row.erasure_key,
    lockVersion: row.lock_version,
  }
}

/** One message of a thread, decrypted (null when this member holds no key for it). */
export type DeskMessage = {
  author: MessageAuthor
  authorName: string | null
  sentAt: Date
  text: string | null
}

/** A report opened by a member: its content and thread, or null parts where they hold no key. */
export type OpenedReport = { content: ReportContent | null; messages: DeskMessage[]; files: string[] }

/** The lock of a report the desk has open (report-lock.ts). */
export function lockOfReport(db: Db, report: ReportMeta): Promise<ReportLock> {
  return reportLock(db, { id: report.id, erasure_key: report.erasureKey, lock_version: report.lockVersion })
}

/**
 * Decrypts one record of a report for the member, audits the read and unlocks it as the part it is
 * meant to be; one sealed before they joined, or of an erased report, opens to null. One that is not
 * what its row says throws a mismatch (report-lock.ts).
 */
export async function openFor(
  db: Db,
  recordId: string,
  reader: KeyHolder,
  reason: string,
  locked: ReportLock,
  part: Part,
): Promise<Buffer | null> {
  if (locked.key === 'erased') return null
  try {
    return unlock(locked, part, 'desk', await openRecord(db, { recordId, reader, reason }))
  } catch (error) {
    if (error instanceof SealedError && error.code === 'ERR_SEALED_NOT_FOUND') return null
    throw error
  }
}

/**
 * Decrypts a report and its thread for `reader`: one read, audited once as the report opened (with the
 * records it read), not once per message. A record sealed before the member joined, or one whose bytes
 * don't open (audited as tampered), comes back null.
 */
export async function openReport(db: Db, given: ReportMeta, reader: KeyHolder): Promise<OpenedReport> {
  // One in an older format is brought to the current one first, if this member can (commands/relock-report.ts).
  const relocked = given.lockVersion !== LOCK_VERSION && (await relockReport(db, given, reader))
  const report = (relocked && (await reportOfMember(db, given.id, reader.userId))) || given
  const locked = await lockOfReport(db, report)
  const rows = await db
    .selectFrom('helpdesk_messages as m')
    .leftJoin('users as u', 'u.id', 'm.author_id')
    .select(['m.id', 'm.author', 'm.record_id', 'm.sent_at', 'u.display_name'])
    .where('m.report_id', '=', report.id)
    .orderBy('m.position')
    .execute()
  const files = await db
    .selectFrom('helpdesk_files')
    .select('id')
    .where('report_id', '=', report.id)
    .orderBy('id')
    .execute()
  const opened =
    locked.key === 'erased'
      ? new Map<string, Buffer>()
      : await openRecords(db, {
          recordIds: [report.contentId, ...rows.map((row) => row.record_id)],
          reader,
          reason: `helpdesk.report:${report.id}`,
        })
  // Each record is unlocked as the part its row says it is: one moved from elsewhere throws a mismatch.
  const part = (recordId: string, name: Part) => {
    const sealed = opened.get(recordId)
    return sealed ? unlock(locked, name, 'desk', sealed) : null
  }
  const content = part(report.contentId, 'content')
  const messages: DeskMessage[] = rows.map((row) => {
    const text = part(row.record_id, `message ${row.id}`)
    return {
      author: row.author,
      authorName: row.display_name,
      sentAt: row.sent_at,
      text: text ? text.toString('utf8') : null,
    }
  })
  return {
    content: content ? contentOf(locked, content) : null,
    messages,
    files: files.map((file) => file.id),
  }
}

/** The display name of a report's assignee, if it has one. */
export async function assigneeName(db: Db, report: ReportMeta): Promise<string | null> {
  if (!report.assigneeId) return null
  const row = await db
    .selectFrom('users')
    .select('display_name')
    .where('id', '=', report.assigneeId)
    .executeTakeFirst()
  return row?.display_name ?? null
}

/** The other reports of the report's group (the same detention), oldest first. */
export async function groupedReports(
  db: Db,
  report: ReportMeta,
): Promise<{ id: string; receivedAt: Date; status: ReportStatus }[]> {
  if (!report.groupId) return []
  const rows = await db
    .selectFrom('helpdesk_reports')
    .select(['id', 'received_at', 'status'])
    .where('group_id', '=', report.groupId)
    .where('desk_id', '=', report.deskId)
    .where('id', '<>', report.id)
    .orderBy('received_at')
    .execute()
  return rows.map((row) => ({ id: row.id, receivedAt: row.received_at, status: row.status }))
}

/**
 * One of a report's photos, decrypted for the member (the read is audited), with its place among the
 * report's photos (from 1); null when the report has no such photo or the member holds no key for it.
 */
export async function reportPhoto(
  db: Db,
  report: ReportMeta,
  fileId: string,
  reader: KeyHolder,
): Promise<{ photo: Buffer; number: number } | null> {
  const files = await db
    .selectFrom('helpdesk_files')
    .select(['id', 'record_id'])
    .where('report_id', '=', report.id)
    .orderBy('id')
    .execute()
  const index = files.findIndex((file) => file.id === fileId)
  if (index < 0) return null
  const file = files[index]!
  const photo = await openFor(
    db,
    file.record_id,
    reader,
    `helpdesk.file:${report.id}`,
    await lockOfReport(db, report),
    `photo ${file.id}`,
  )
  return photo ? { photo, number: index + 1 } : null
}
