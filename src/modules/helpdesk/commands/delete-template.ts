/** Deleting a reply template; audited. */
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'

/** Deletes a template. */
export async function deleteTemplate(db: Db, id: number, actorId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('helpdesk_templates').where('id', '=', id).execute()
    await audit(trx, { actorId, action: 'helpdesk.template_deleted', target: String(id) })
  })
}
