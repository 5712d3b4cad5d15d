/**
 * The desk's side of a report: reading it (decrypted for that member only, every read audited),
 * replying and noting, claiming and assigning, moving it through new → in progress → waiting → closed.
 * A report outside the member's desks is not found, never forbidden: its existence is not told.
 */
import { audit } from '../../platform/audit.ts'
import { isUuid, type KeyHolder, openRecord, SealedError } from '../../platform/crypto/sealed-records.ts'
import type { Db } from '../../platform/db/database.ts'
import { contentOf, LOCK_VERSION, type Part, type ReportLock, reportLock, unlock } from './erasure.ts'
import type { ReportContent } from './forms.ts'
import { relockReport } from './relock.ts'
import type { MessageAuthor, Outcome, ReportStatus, Urgency } from './tables.ts'

/** A report's clear metadata, as its desk's members see it. */
export type ReportMeta = {
  id: string
  deskId: string
  form: 'detained' | 'legal'
  category: string
  urgency: Urgency
  status: ReportStatus
  outcome: Outcome | null
  regionId: number | null
  receivedAt: Date
  closedAt: Date | null
  assigneeId: string | null
  groupId: string | null
  writerWaiting: boolean
  chronicleEventId: number | null
  contentId: string
  /** The report's erasure key's id (erasure.ts); null for one stored before erasure keys. */
  erasureKey: string | null
  /** How its parts are locked (erasure.ts). */
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
    status: row.status,
    outcome: row.outcome,
    regionId: row.region_id,
    receivedAt: row.received_at,
    closedAt: row.closed_at,
    assigneeId: row.assignee_id,
    groupId: row.group_id,
    writerWaiting: row.writer_waiting,
    chronicleEventId: row.chronicle_event_id,
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

/** The lock of a report the desk has open (erasure.ts). */
export function lockOfReport(db: Db, report: ReportMeta): Promise<ReportLock> {
  return reportLock(db, { id: report.id, erasure_key: report.erasureKey, lock_version: report.lockVersion })
}

/**
 * Decrypts one record of a report for the member, audits the read and unlocks it as the part it is
 * meant to be; one sealed before they joined, or of an erased report, opens to null. One that is not
 * what its row says throws ReportMismatchError.
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

/** Decrypts a report and its thread for `reader`; each record read is audited. */
export async function openReport(db: Db, given: ReportMeta, reader: KeyHolder): Promise<OpenedReport> {
  // One in an older format is brought to the current one first, if this member can (relock.ts).
  const relocked = given.lockVersion !== LOCK_VERSION && (await relockReport(db, given, reader))
  const report = (relocked && (await reportOfMember(db, given.id, reader.userId))) || given
  const locked = await lockOfReport(db, report)
  const content = await openFor(
    db,
    report.contentId,
    reader,
    `helpdesk.report:${report.id}`,
    locked,
    'content',
  )
  const rows = await db
    .selectFrom('helpdesk_messages as m')
    .leftJoin('users as u', 'u.id', 'm.author_id')
    .select(['m.id', 'm.author', 'm.record_id', 'm.sent_at', 'u.display_name'])
    .where('m.report_id', '=', report.id)
    .orderBy('m.position')
    .execute()
  const messages: DeskMessage[] = []
  for (const row of rows) {
    const reason = `helpdesk.message:${report.id}`
    const text = await openFor(db, row.record_id, reader, reason, locked, `message ${row.id}`)
    messages.push({
      author: row.author,
      authorName: row.display_name,
      sentAt: row.sent_at,
      text: text ? text.toString('utf8') : null,
    })
  }
  const files = await db
    .selectFrom('helpdesk_files')
    .select('id')
    .where('report_id', '=', report.id)
    .orderBy('id')
    .execute()
  return {
    content: content ? contentOf(locked, content) : null,
    messages,
    files: files.map((file) => file.id),
  }
}

/** Moves a report to `status`; closing needs an outcome. Returns false when the change is not allowed. */
export async function changeStatus(
  db: Db,
  report: ReportMeta,
  change: { status: ReportStatus; outcome?: Outcome; actorId: string },
): Promise<boolean> {
  if (change.status === 'closed' && !change.outcome) return false
  if (change.status === report.status && change.status !== 'closed') return true
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('helpdesk_reports')
      .set(
        change.status === 'closed'
          ? { status: 'closed', outcome: change.outcome!, closed_at: new Date() }
          : { status: change.status, outcome: null, closed_at: null },
      )
      .where('id', '=', report.id)
      .execute()
    await audit(trx, {
      actorId: change.actorId,
      action: 'helpdesk.status',
      target: report.id,
      detail: { from: report.status, to: change.status, outcome: change.outcome ?? null },
    })
  })
  return true
}

/**
 * Gives a report (and the reports grouped with it: the same detention) to `assigneeId`, who must be a
 * member of its desk; null gives it back to nobody. Returns false when the assignee is not a member.
 */
export async function assignReport(
  db: Db,
  report: ReportMeta,
  change: { assigneeId: string | null; actorId: string },
): Promise<boolean> {
  if (change.assigneeId) {
    const member = await db
      .selectFrom('desk_members')
      .select('user_id')
      .where('desk_id', '=', report.deskId)
      .where('user_id', '=', change.assigneeId)
      .executeTakeFirst()
    if (!member) return false
  }
  await db.transaction().execute(async (trx) => {
    let update = trx.updateTable('helpdesk_reports').set({ assignee_id: change.assigneeId })
    update = report.groupId
      ? update.where('group_id', '=', report.groupId).where('desk_id', '=', report.deskId)
      : update.where('id', '=', report.id)
    await update.execute()
    await audit(trx, {
      actorId: change.actorId,
      action: 'helpdesk.assign',
      target: report.id,
      detail: { assigneeId: change.assigneeId, group: report.groupId },
    })
  })
  return true
}

/** The members of a desk who can take reports, with their regions and specialties. */
export async function deskWorkers(
  db: Db,
  deskId: string,
): Promise<{ id: string; name: string; regionIds: number[]; specialties: string[] }[]> {
  const rows = await db
    .selectFrom('desk_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .leftJoin('helpdesk_workers as w', (join) =>
      join.onRef('w.desk_id', '=', 'm.desk_id').onRef('w.user_id', '=', 'm.user_id'),
    )
    .select(['u.id', 'u.display_name', 'w.region_ids', 'w.specialties'])
    .where('m.desk_id', '=', deskId)
    .where('u.disabled_at', 'is', null)
    .orderBy('u.display_name')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    name: row.display_name,
    regionIds: row.region_ids ?? [],
    specialties: row.specialties ?? [],
  }))
}
