/**
 * Reports stored in an older lock format (report-lock.ts) — before erasure keys, or locked without being
 * bound to the report — are brought to the current one the next time a member who can open all of
 * them opens them: a new erasure key, each part locked again and sealed anew (to the members who held
 * it, as long as they are still on the desk: no one gains access this way), the writer's copies sealed
 * again to the writer's key, the old records
 * shredded and the old key destroyed. From then on retention's destruction of the key leaves nothing
 * of the report readable in backups taken after this moment. Backups taken before still hold the old
 * records, which a member's key opens: nothing can reach back into them.
 *
 * Nothing becomes unreadable on the way: whoever could read a part still can, the writer's
 * receipt opens the new copies, and it all happens in one transaction. A member who can't open every
 * part (one sealed before they joined) leaves the report as it is, readable as before.
 */
import { audit } from '../../../platform/audit.ts'
import { boxSeal } from '../../../platform/crypto/primitives.ts'
import {
  type KeyHolder,
  openRecords,
  sealRecord,
  shredRecord,
} from '../../../platform/crypto/sealed-records.ts'
import type { Db } from '../../../platform/db/database.ts'
import type { ReportMeta } from '../queries/reports.ts'
import {
  eraseReportKey,
  LOCK_VERSION,
  lock,
  newReportKey,
  type Part,
  reportLock,
  unlock,
  unusedReportKey,
} from '../report-lock.ts'

/** Relocks `report` in the current format if it is older and `reader` can open all of it; true if done. */
export async function relockReport(db: Db, report: ReportMeta, reader: KeyHolder): Promise<boolean> {
  if (report.lockVersion === LOCK_VERSION) return false
  const old = await reportLock(db, {
    id: report.id,
    erasure_key: report.erasureKey,
    lock_version: report.lockVersion,
  })
  if (old.key === 'erased') return false
  const [messages, files] = await Promise.all([
    db
      .selectFrom('helpdesk_messages')
      .select(['id', 'author', 'record_id'])
      .where('report_id', '=', report.id)
      .execute(),
    db.selectFrom('helpdesk_files').select(['id', 'record_id']).where('report_id', '=', report.id).execute(),
  ])
  const parts: { part: Part; recordId: string; writer: boolean; kind: string }[] = [
    { part: 'content', recordId: report.contentId, writer: true, kind: 'helpdesk.report' },
    ...messages.map((row) => ({
      part: `message ${row.id}` as Part,
      recordId: row.record_id,
      writer: row.author !== 'note',
      kind: `helpdesk.${row.author}`,
    })),
    ...files.map((row) => ({
      part: `photo ${row.id}` as Part,
      recordId: row.record_id,
      writer: false,
      kind: 'helpdesk.file',
    })),
  ]
  const ids = parts.map((part) => part.recordId)
  const opened = await openRecords(db, { recordIds: ids, reader, reason: `helpdesk.relock:${report.id}` })
  if (opened.size !== new Set(ids).size) return false
  const times = new Map(
    (await db.selectFrom('sealed_records').select(['id', 'created_at']).where('id', 'in', ids).execute()).map(
      (row) => [row.id, row.created_at],
    ),
  )
  const plains = parts.map((part) => unlock(old, part.part, 'desk', opened.get(part.recordId)!)!)
  const fresh = await newReportKey(db)
  const current = { reportId: report.id, key: fresh.key }
  let done = false
  try {
    done = await db.transaction().execute(async (trx) => {
      // Unchanged since it was read: same format and key, no message added, not deleted meanwhile.
      const row = await trx
        .selectFrom('helpdesk_reports')
        .select(['writer_key', 'lock_version', 'erasure_key', 'content_id'])
        .where('id', '=', report.id)
        .forUpdate()
        .executeTakeFirst()
      const count = await trx
        .selectFrom('helpdesk_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('report_id', '=', report.id)
        .executeTakeFirstOrThrow()
      if (
        !row ||
        row.lock_version !== report.lockVersion ||
        row.erasure_key !== report.erasureKey ||
        row.content_id !== report.contentId ||
        Number(count.n) !== messages.length
      )
        return false
      const holders = await trx
        .selectFrom('record_keys')
        .select(['record_id', 'user_id'])
        .where('record_id', 'in', ids)
        .execute()
      const sealed: string[] = []
      for (const [index, part] of parts.entries()) {
        sealed.push(
          await sealRecord(trx, {
            deskId: report.deskId,
            kind: part.kind,
            content: lock(current, part.part, 'desk', plains[index]!),
            createdAt: times.get(part.recordId),
            onlyTo: holders.filter((row) => row.record_id === part.recordId).map((row) => row.user_id),
          }),
        )
      }
      const writerCopy = (index: number) =>
        boxSeal(lock(current, parts[index]!.part, 'writer', plains[index]!), row.writer_key)
      await trx
        .updateTable('helpdesk_reports')
        .set({
          content_id: sealed[0]!,
          writer_copy: writerCopy(0),
          erasure_key: fresh.id,
          lock_version: LOCK_VERSION,
        })
        .where('id', '=', report.id)
        .execute()
      for (const [offset, message] of messages.entries()) {
        const index = 1 + offset
        await trx
          .updateTable('helpdesk_messages')
          .set({ record_id: sealed[index]!, writer_copy: parts[index]!.writer ? writerCopy(index) : null })
          .where('id', '=', message.id)
          .execute()
      }
      for (const [offset, file] of files.entries()) {
        const index = 1 + messages.length + offset
        await trx
          .updateTable('helpdesk_files')
          .set({ record_id: sealed[index]! })
          .where('id', '=', file.id)
          .execute()
      }
      for (const recordId of ids) await shredRecord(trx, { recordId, actorId: reader.userId })
      await audit(trx, {
        actorId: reader.userId,
        action: 'helpdesk.relocked',
        target: report.id,
        detail: { parts: parts.length },
      })
      return true
    })
  } finally {
    for (const plain of plains) plain.fill(0)
    fresh.key.fill(0)
    if (!done) await unusedReportKey(db, fresh.id)
  }
  // The old key locked only what was just shredded. Should this fail, the sweep of orphaned keys
  // destroys it later.
  if (done) await eraseReportKey(db, report.erasureKey).catch(() => {})
  return done
}
