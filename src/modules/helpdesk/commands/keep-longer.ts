/** Keeping a closed report longer than its desk's retention (a case still in court); audited. */
import { sql } from 'kysely'
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'
import { deleteAt } from '../queries/retention.ts'

/**
 * Keeps a closed report `days` past the later of its deletion time and now; returns false when the
 * report is not closed (an open one is not being deleted).
 */
export async function keepLonger(db: Db, reportId: string, days: number, actorId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const kept = await trx
      .updateTable('helpdesk_reports as r')
      .from('helpdesk_desks as h')
      .set({
        keep_until: sql`greatest(${deleteAt}, now()) + make_interval(days => ${days}::int)`,
      })
      .whereRef('h.desk_id', '=', 'r.desk_id')
      .where('r.id', '=', reportId)
      .where('r.status', '=', 'closed')
      .returning('r.keep_until')
      .executeTakeFirst()
    if (!kept) return false
    await audit(trx, { actorId, action: 'helpdesk.keep_longer', target: reportId, detail: { days } })
    return true
  })
}
