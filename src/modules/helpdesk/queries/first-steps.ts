/**
 * The help desk's first steps on a fresh install (the staff dashboard lists them): a desk that can
 * receive reports, and lawyers on a desk. Each is read from what exists, never from a flag, so it is
 * ticked exactly while it holds (a desk whose last member leaves is unticked again).
 */
import { sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import type { FirstStep } from '../../../platform/module.ts'
import { MANAGE_USERS } from '../../../platform/policy.ts'
import { deskBase } from '../pages/desk.ts'
import { MANAGE_HELPDESK } from '../policy.ts'

/**
 * "Set up a desk" is done when a help desk takes some regions (or the rest) and has a member whose
 * account is active: a report can then be routed to it and sealed to someone. "Invite lawyers" is
 * done when a help desk has an active member holding the lawyer role; an invitation not yet accepted
 * doesn't count, as nobody can read a report through it.
 */
export async function helpdeskFirstSteps(db: Db): Promise<FirstStep[]> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .exists(
          eb
            .selectFrom('helpdesk_desks as h')
            .innerJoin('desk_members as m', 'm.desk_id', 'h.desk_id')
            .innerJoin('users as u', 'u.id', 'm.user_id')
            .select('h.desk_id')
            .where('u.disabled_at', 'is', null)
            .where((w) => w.or([w('h.takes_rest', '=', true), w(sql`cardinality(h.region_ids)`, '>', 0)])),
        )
        .as('desk'),
      eb
        .exists(
          eb
            .selectFrom('helpdesk_desks as h')
            .innerJoin('desk_members as m', 'm.desk_id', 'h.desk_id')
            .innerJoin('users as u', 'u.id', 'm.user_id')
            .innerJoin('user_roles as r', 'r.user_id', 'u.id')
            .select('h.desk_id')
            .where('u.disabled_at', 'is', null)
            .where('r.role', '=', 'lawyer'),
        )
        .as('lawyers'),
    ])
    .executeTakeFirstOrThrow()
  return [
    {
      label: 'helpdesk.firstSteps.desk',
      href: `${deskBase}/desks`,
      done: Boolean(row.desk),
      permission: MANAGE_HELPDESK,
    },
    {
      label: 'helpdesk.firstSteps.lawyers',
      href: '/staff/users',
      done: Boolean(row.lawyers),
      permission: MANAGE_USERS,
    },
  ]
}
