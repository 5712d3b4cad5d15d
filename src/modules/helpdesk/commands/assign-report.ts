/** Claiming a report, or giving it (with its group) to another member of its desk; audited. */
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'
import type { ReportMeta } from '../queries/reports.ts'

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
