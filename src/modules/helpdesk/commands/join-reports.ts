/** Joining reports of one detention into a group (the surge view); only a random group id is stored. Audited. */
import { randomUUID } from 'node:crypto'
import { audit } from '../../../platform/audit.ts'
import { isUuid } from '../../../platform/crypto/sealed-records.ts'
import type { Db } from '../../../platform/db/database.ts'
import { memberDesks } from '../queries/desks.ts'

/**
 * Joins reports into one group (a new random id), keeping only those in `userId`'s desks and all in
 * one desk; returns how many were joined (0 when fewer than two qualify).
 */
export async function joinReports(db: Db, userId: string, ids: string[]): Promise<number> {
  const valid = ids.filter(isUuid)
  if (valid.length < 2) return 0
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('helpdesk_reports')
      .select(['id', 'desk_id'])
      .where('id', 'in', valid)
      .where('desk_id', 'in', memberDesks(db, userId))
      .execute()
    const desks = new Set(rows.map((row) => row.desk_id))
    if (rows.length < 2 || desks.size !== 1) return 0
    const groupId = randomUUID()
    await trx
      .updateTable('helpdesk_reports')
      .set({ group_id: groupId })
      .where(
        'id',
        'in',
        rows.map((row) => row.id),
      )
      .execute()
    await audit(trx, {
      actorId: userId,
      action: 'helpdesk.grouped',
      target: groupId,
      detail: { reports: rows.map((row) => row.id) },
    })
    return rows.length
  })
}
