/** Changing a help desk's settings; audited. At most one desk takes the rest. */
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'
import type { HelpdeskSettings } from '../queries/desks.ts'

/** Changes a help desk's regions, retention and whether it takes the rest. */
export async function updateHelpdesk(
  db: Db,
  change: { deskId: string; actorId: string } & HelpdeskSettings,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (change.takesRest)
      await trx
        .updateTable('helpdesk_desks')
        .set({ takes_rest: false })
        .where('desk_id', '<>', change.deskId)
        .execute()
    await trx
      .updateTable('helpdesk_desks')
      .set({
        takes_rest: change.takesRest,
        region_ids: change.regionIds,
        retention_days: change.retentionDays,
      })
      .where('desk_id', '=', change.deskId)
      .execute()
    await audit(trx, {
      actorId: change.actorId,
      action: 'helpdesk.desk_changed',
      target: change.deskId,
      detail: {
        takesRest: change.takesRest,
        regions: change.regionIds.length,
        retentionDays: change.retentionDays,
      },
    })
  })
}
