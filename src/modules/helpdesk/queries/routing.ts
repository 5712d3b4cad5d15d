/**
 * Where a report goes: the desk that covers its region, else the one taking the rest; and whether one
 * can go anywhere yet.
 */
import { sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'

/** The desk a report from `regionId` goes to: the one that covers the region, else the one taking the rest. */
export async function deskFor(db: Db, regionId: number | null): Promise<string | null> {
  const row = await db
    .selectFrom('helpdesk_desks')
    .select('desk_id')
    .where((eb) =>
      regionId === null
        ? eb('takes_rest', '=', true)
        : eb.or([eb('takes_rest', '=', true), eb(sql<number>`${regionId}`, '=', eb.fn.any('region_ids'))]),
    )
    // A desk for the region comes before the one taking the rest.
    .orderBy('takes_rest')
    .limit(1)
    .executeTakeFirst()
  return row?.desk_id ?? null
}

// Where reports go changes when a coordinator edits a desk: read again every few seconds, not per report.
const ROUTES_MS = 5_000
const routes = new WeakMap<
  Db,
  Promise<{ at: number; desks: { id: string; takesRest: boolean; regionIds: number[] }[] }>
>()

/** The desk a report from `regionId` goes to, from the routes as read at most a few seconds ago (`fresh`: now). */
export async function routedDesk(db: Db, regionId: number | null, fresh: boolean): Promise<string | null> {
  let current = routes.get(db)
  const read = await current?.catch(() => null)
  if (fresh || !read || Date.now() - read.at > ROUTES_MS) {
    current = db
      .selectFrom('helpdesk_desks')
      .select(['desk_id', 'takes_rest', 'region_ids'])
      .execute()
      .then((rows) => ({
        at: Date.now(),
        desks: rows.map((row) => ({ id: row.desk_id, takesRest: row.takes_rest, regionIds: row.region_ids })),
      }))
    routes.set(db, current)
  }
  const { desks } = await current!
  return routeOf(desks, regionId)?.id ?? null
}

// The routing rule itself: the desk that covers the region, else the one taking the rest.
function routeOf<D extends { takesRest: boolean; regionIds: number[] }>(
  desks: D[],
  regionId: number | null,
): D | undefined {
  const covering = regionId === null ? undefined : desks.find((desk) => desk.regionIds.includes(regionId))
  return covering ?? desks.find((desk) => desk.takesRest)
}

/**
 * Whether a report can be received now: one from `regionId` (null: none given) or, without it, from
 * somewhere. A report goes where routedDesk sends it and is sealed to that desk's active members
 * (platform/crypto/sealed-batch.ts), so it can be received when that desk has one. A fresh install,
 * or desks nobody is on yet, can't: the public pages say so before anyone types a word.
 */
export async function canReceive(db: Db, regionId?: number | null): Promise<boolean> {
  const desks = await staffedDesks(db)
  if (regionId !== undefined) return routeOf(desks, regionId)?.staffed ?? false
  // Some region, or none given, is routed to a desk someone is on.
  return desks.some((desk) => desk.staffed && (desk.takesRest || desk.regionIds.length > 0))
}

/**
 * The regions a report can be received from now: `all` while a desk someone is on takes the rest
 * (then a report giving no region is received too), else those of the staffed desks. The forms offer
 * only these, so nobody fills in a form that would be refused for where it came from.
 */
export async function receivingRegions(db: Db): Promise<'all' | Set<number>> {
  const desks = await staffedDesks(db)
  const regions = new Set<number>()
  for (const region of desks.flatMap((desk) => desk.regionIds))
    if (routeOf(desks, region)?.staffed) regions.add(region)
  return routeOf(desks, null)?.staffed ? 'all' : regions
}

// Every desk, what it takes, and whether an active member with a key is on it.
async function staffedDesks(db: Db) {
  const rows = await db
    .selectFrom('helpdesk_desks as h')
    .select(['h.desk_id', 'h.takes_rest', 'h.region_ids'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('desk_members as m')
            .innerJoin('users as u', 'u.id', 'm.user_id')
            .select('m.user_id')
            .whereRef('m.desk_id', '=', 'h.desk_id')
            .where('u.disabled_at', 'is', null)
            .where('u.public_key', 'is not', null),
        )
        .as('staffed'),
    )
    .execute()
  return rows.map((row) => ({
    takesRest: row.takes_rest,
    regionIds: row.region_ids,
    staffed: Boolean(row.staffed),
  }))
}
