/** Opening a help desk (a platform desk with the help desk's settings); audited. */
import { audit } from '../../../platform/audit.ts'
import { createDesk } from '../../../platform/crypto/sealed-records.ts'
import type { Db } from '../../../platform/db/database.ts'
import type { HelpdeskSettings } from '../queries/desks.ts'

/** Opens a help desk; returns its desk id. At most one desk takes the rest: it then takes over. */
export async function openHelpdesk(
  db: Db,
  desk: { slug: string; name: string; actorId: string } & HelpdeskSettings,
): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const id = await createDesk(trx, { slug: desk.slug, name: desk.name })
    if (desk.takesRest) await trx.updateTable('helpdesk_desks').set({ takes_rest: false }).execute()
    await trx
      .insertInto('helpdesk_desks')
      .values({
        desk_id: id,
        takes_rest: desk.takesRest,
        region_ids: desk.regionIds,
        retention_days: desk.retentionDays,
      })
      .execute()
    await audit(trx, { actorId: desk.actorId, action: 'helpdesk.desk_opened', target: id })
    return id
  })
}
