/** Reviews of an event as the publishing rule and the staff page read them. */
import type { Db } from '../../../platform/db/database.ts'

/** Who verified an event and when, oldest first. */
export async function listVerifications(db: Db, eventId: number) {
  return db
    .selectFrom('chronicle_verifications as v')
    .leftJoin('users as u', 'u.id', 'v.user_id')
    .select(['v.user_id', 'v.at', 'u.display_name'])
    .where('v.event_id', '=', eventId)
    .orderBy('v.at')
    .execute()
}
