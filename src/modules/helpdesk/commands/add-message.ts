/**
 * A message added to a report's thread: the writer's answer through their receipt, the desk's reply,
 * or a note for the desk.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { audit } from '../../../platform/audit.ts'
import { coarseFloor } from '../../../platform/coarse-time.ts'
import { boxSeal } from '../../../platform/crypto/primitives.ts'
import { sealRecord } from '../../../platform/crypto/sealed-records.ts'
import { inTransaction } from '../../../platform/crypto/sealed-support.ts'
import type { Db } from '../../../platform/db/database.ts'
import { formTokenOf } from '../receipt-keys.ts'
import { lockPart, type ReportLock, reportLock } from '../report-lock.ts'
import type { MessageAuthor } from '../tables.ts'

/**
 * Adds a sealed message to a report's thread (a reply to the writer is sealed to their receipt too,
 * a note to the desk only). Writers' messages reopen a closed report and mark it as waiting for the
 * desk; the desk's replies clear that mark, and its first reply to a new report takes it: in
 * progress, and the replier's if it was nobody's. Desk replies and notes are audited. `db` is the
 * store's (its erasure keys are found through it); `within`, a transaction to run in (a withdrawal of
 * consent adds its message together with its flag), else it runs in one of its own.
 */
export async function addMessage(
  db: Db,
  message: {
    reportId: string
    author: MessageAuthor
    authorId: string | null
    text: string
    token?: string
    now?: Date
  },
  within?: Db,
): Promise<'added' | 'repeated'> {
  const plain = Buffer.from(message.text)
  let locking: ReportLock | null = null
  try {
    return await inTransaction(within ?? db, async (trx) => {
      const report = await trx
        .selectFrom('helpdesk_reports')
        .select(['id', 'desk_id', 'writer_key', 'status', 'erasure_key', 'lock_version'])
        .where('id', '=', message.reportId)
        .forUpdate()
        .executeTakeFirstOrThrow()
      locking = await reportLock(db, report)
      const messageId = randomUUID()
      const locked = lockPart(locking, `message ${messageId}`, plain)
      const formToken = message.token ? formTokenOf(message.token) : null
      if (formToken) {
        const seen = await trx
          .selectFrom('helpdesk_messages')
          .select('id')
          .where('form_token', '=', formToken)
          .executeTakeFirst()
        if (seen) return 'repeated'
      }
      const last = await trx
        .selectFrom('helpdesk_messages')
        .select((eb) => eb.fn.max('position').as('position'))
        .where('report_id', '=', message.reportId)
        .executeTakeFirst()
      const fromWriter = message.author === 'writer'
      const sentAt = fromWriter ? coarseFloor(message.now) : (message.now ?? new Date())
      const recordId = await sealRecord(trx, {
        deskId: report.desk_id,
        kind: `helpdesk.${message.author}`,
        content: locked.desk,
        createdAt: sentAt,
      })
      await trx
        .insertInto('helpdesk_messages')
        .values({
          id: messageId,
          report_id: message.reportId,
          author: message.author,
          author_id: message.authorId,
          position: (last?.position ?? 0) + 1,
          record_id: recordId,
          writer_copy: message.author === 'note' ? null : boxSeal(locked.writer, report.writer_key),
          sent_at: sentAt,
          form_token: formToken,
        })
        .execute()
      if (fromWriter) {
        await trx
          .updateTable('helpdesk_reports')
          .set(
            report.status === 'closed'
              ? { writer_waiting: true, status: 'in_progress', closed_at: null, outcome: null }
              : { writer_waiting: true },
          )
          .where('id', '=', message.reportId)
          .execute()
      } else {
        // The desk's first reply to a new report takes it on: in progress, and the replier's if no
        // one has it. (Both CASEs read the row as it was.)
        if (message.author === 'desk')
          await trx
            .updateTable('helpdesk_reports')
            .set({
              writer_waiting: false,
              status: sql`CASE WHEN status = 'new' THEN 'in_progress' ELSE status END`,
              assignee_id: sql`CASE WHEN status = 'new' THEN coalesce(assignee_id, ${message.authorId}::uuid) ELSE assignee_id END`,
            })
            .where('id', '=', message.reportId)
            .execute()
        await audit(trx, {
          actorId: message.authorId,
          action: `helpdesk.${message.author === 'desk' ? 'reply' : 'note'}`,
          target: message.reportId,
        })
      }
      return 'added'
    })
  } finally {
    plain.fill(0)
    const key = (locking as ReportLock | null)?.key
    if (Buffer.isBuffer(key)) key.fill(0)
  }
}
