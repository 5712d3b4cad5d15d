/** Adding a member to a help desk, with the regions and specialties they take. */
import { addDeskMember } from '../../../platform/crypto/sealed-records.ts'
import type { Db } from '../../../platform/db/database.ts'

/** Adds a lawyer or volunteer to a help desk with the regions and specialties they take. */
export async function addWorker(
  db: Db,
  worker: { deskId: string; userId: string; actorId: string; regionIds?: number[]; specialties?: string[] },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await addDeskMember(trx, { deskId: worker.deskId, userId: worker.userId, actorId: worker.actorId })
    await trx
      .insertInto('helpdesk_workers')
      .values({
        desk_id: worker.deskId,
        user_id: worker.userId,
        region_ids: worker.regionIds ?? [],
        specialties: worker.specialties ?? [],
      })
      .onConflict((oc) =>
        oc.columns(['desk_id', 'user_id']).doUpdateSet({
          region_ids: worker.regionIds ?? [],
          specialties: worker.specialties ?? [],
        }),
      )
      .execute()
  })
}
