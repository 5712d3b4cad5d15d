/**
 * A writer withdrawing their consent to publish, through their receipt. In one transaction: the
 * report's `consent_withdrawn` flag, the writer's message saying so in the thread (sealed like any
 * message, so the desk reads it where it reads everything else), and, for a report already made into
 * a chronicle event, that event taken out of public view and marked sensitive. From then on the
 * conversion carries only facts that identify no one (triage.ts, consentOf).
 *
 * The chronicle is told nothing of the help desk: the change is the system's (no actor), dated to the
 * same ten-minute window as the writer's message, and its history says only "unpublished, sensitive".
 * The link from report to event stays on the desk's side, as at conversion.
 */
import { audit } from '../../../platform/audit.ts'
import { coarseFloor } from '../../../platform/coarse-time.ts'
import type { Db } from '../../../platform/db/database.ts'
import { unpublishEvent } from '../../chronicle/index.ts'
import { addMessage } from './add-message.ts'

/**
 * What withdrawing came to: done now; done before; nothing to withdraw (no box was ticked); or the
 * form's token already spent on another message (a reply sent with it). Only the first
 * changes anything.
 */
export type Withdrawal = 'withdrawn' | 'already' | 'nothing' | 'spent'

/**
 * Withdraws the consent of report `reportId`. `askedToPublish` is whether the writer ticked a box
 * (read from the sealed content, which only the receipt opens here); `text` is the message the thread
 * gets, in the writer's language; `token` the form's one-time token, so a form sent twice adds one
 * message.
 */
export async function withdrawConsent(
  db: Db,
  request: { reportId: string; askedToPublish: boolean; text: string; token: string; now?: Date },
): Promise<Withdrawal> {
  const at = coarseFloor(request.now)
  return db.transaction().execute(async (trx): Promise<Withdrawal> => {
    const report = await trx
      .selectFrom('helpdesk_reports')
      .select(['id', 'consent_withdrawn', 'chronicle_event_id'])
      .where('id', '=', request.reportId)
      .forUpdate()
      .executeTakeFirstOrThrow()
    if (report.consent_withdrawn) return 'already'
    if (!request.askedToPublish) return 'nothing'
    const added = await addMessage(
      db,
      {
        reportId: report.id,
        author: 'writer',
        authorId: null,
        text: request.text,
        token: request.token,
        now: request.now,
      },
      trx,
    )
    // The flag and the message are written together, so a token already spent here was spent on
    // another message: this form is stale, and nothing has changed.
    if (added === 'repeated') return 'spent'
    await trx
      .updateTable('helpdesk_reports')
      .set({ consent_withdrawn: true })
      .where('id', '=', report.id)
      .execute()
    if (report.chronicle_event_id !== null)
      await unpublishEvent(trx, { actorId: null, eventId: report.chronicle_event_id, sensitive: true, at })
    await audit(trx, { actorId: null, action: 'helpdesk.consent_withdrawn', target: report.id, at })
    return 'withdrawn'
  })
}
