/**
 * Help desks: which regions each takes, which one takes the rest, how long closed reports are kept,
 * and who works on each (with their regions and specialties). A help desk is a platform desk, so its
 * members are the ones reports are sealed to.
 */
import { sql } from 'kysely'
import { isUuid } from '../../../platform/crypto/sealed-records.ts'
import type { Db } from '../../../platform/db/database.ts'

/** A help desk's settings. */
export type HelpdeskSettings = { takesRest: boolean; regionIds: number[]; retentionDays: number }

/** A help desk as listed. */
export type Helpdesk = HelpdeskSettings & { id: string; slug: string; name: string; members: number }

/** Every help desk, by name. */
export async function listHelpdesks(db: Db): Promise<Helpdesk[]> {
  const rows = await db
    .selectFrom('helpdesk_desks as h')
    .innerJoin('desks as d', 'd.id', 'h.desk_id')
    .select((eb) => [
      'd.id',
      'd.slug',
      'd.name',
      'h.takes_rest',
      'h.region_ids',
      'h.retention_days',
      eb
        .selectFrom('desk_members as m')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('m.desk_id', '=', 'd.id')
        .as('members'),
    ])
    .orderBy('d.name')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    name: row.name,
    takesRest: row.takes_rest,
    regionIds: row.region_ids,
    retentionDays: row.retention_days,
    members: Number(row.members ?? 0),
  }))
}

/** The ids of the desks `userId` is a member of, as a subquery: `.where('r.desk_id', 'in', memberDesks(db, userId))`. */
export function memberDesks(db: Db, userId: string) {
  return db.selectFrom('desk_members').select('desk_id').where('user_id', '=', userId)
}

/** The help desks `userId` is a member of. */
export async function helpdesksOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('desk_members as m')
    .innerJoin('helpdesk_desks as h', 'h.desk_id', 'm.desk_id')
    .select('m.desk_id')
    .where('m.user_id', '=', userId)
    .execute()
  return rows.map((row) => row.desk_id)
}

/** One help desk, or null (also for a desk that is not a help desk). */
export async function findHelpdesk(db: Db, id: string): Promise<Helpdesk | null> {
  if (!isUuid(id)) return null
  return (await listHelpdesks(db)).find((desk) => desk.id === id) ?? null
}

/** A desk's members with their accounts, roles, regions and specialties. */
export async function helpdeskMembers(db: Db, deskId: string) {
  const rows = await db
    .selectFrom('desk_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .leftJoin('helpdesk_workers as w', (join) =>
      join.onRef('w.desk_id', '=', 'm.desk_id').onRef('w.user_id', '=', 'm.user_id'),
    )
    .select(['u.id', 'u.display_name', 'u.email', 'u.disabled_at', 'w.region_ids', 'w.specialties'])
    .select(
      sql<string[]>`array(SELECT role FROM user_roles r WHERE r.user_id = u.id ORDER BY role)`.as('roles'),
    )
    .where('m.desk_id', '=', deskId)
    .orderBy('u.display_name')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    name: row.display_name,
    email: row.email,
    disabled: row.disabled_at !== null,
    roles: row.roles ?? [],
    regionIds: row.region_ids ?? [],
    specialties: row.specialties ?? [],
  }))
}

/** Staff who could join a desk (they read sealed data at the desk) and are not on it yet. */
export async function memberCandidates(db: Db, deskId: string) {
  return db
    .selectFrom('users as u')
    .select(['u.id', 'u.display_name', 'u.email'])
    .where('u.disabled_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_roles as r')
          .select('r.user_id')
          .whereRef('r.user_id', '=', 'u.id')
          .where('r.role', 'in', ['coordinator', 'lawyer', 'volunteer']),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('desk_members as m')
            .select('m.user_id')
            .whereRef('m.user_id', '=', 'u.id')
            .where('m.desk_id', '=', deskId),
        ),
      ),
    )
    .orderBy('u.display_name')
    .limit(1000)
    .execute()
}

/** The members of a desk who can take reports, with their regions and specialties. */
export async function deskWorkers(
  db: Db,
  deskId: string,
): Promise<{ id: string; name: string; regionIds: number[]; specialties: string[] }[]> {
  const rows = await db
    .selectFrom('desk_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .leftJoin('helpdesk_workers as w', (join) =>
      join.onRef('w.desk_id', '=', 'm.desk_id').onRef('w.user_id', '=', 'm.user_id'),
    )
    .select(['u.id', 'u.display_name', 'w.region_ids', 'w.specialties'])
    .where('m.desk_id', '=', deskId)
    .where('u.disabled_at', 'is', null)
    .orderBy('u.display_name')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    name: row.display_name,
    regionIds: row.region_ids ?? [],
    specialties: row.specialties ?? [],
  }))
}

/** Whether a desk (a help desk or any other) already has `slug`. */
export async function slugTaken(db: Db, slug: string): Promise<boolean> {
  const row = await db.selectFrom('desks').select('id').where('slug', '=', slug).executeTakeFirst()
  return row !== undefined
}
