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

/** The settings key that asks for a second reviewer before publishing. */
export const SECOND_VERIFICATION_SETTING = 'chronicle.require_second_verification'

/** Whether publishing needs two reviewers. */
export async function secondVerificationRequired(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', SECOND_VERIFICATION_SETTING)
    .executeTakeFirst()
  return row?.value === 'true'
}
