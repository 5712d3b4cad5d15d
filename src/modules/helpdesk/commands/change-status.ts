/** Moving a report through new → in progress → waiting → closed; audited. */
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'
import type { ReportMeta } from '../queries/reports.ts'
import type { Outcome, ReportStatus } from '../tables.ts'

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
