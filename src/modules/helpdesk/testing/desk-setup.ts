/** Help desks for tests: one taking every region with its members, and a test app with one set up. */
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { createStaff, type TestStaff } from '../../../../test/support/factories.ts'
import type { Db } from '../../../platform/db/database.ts'
import type { Role } from '../../../platform/policy.ts'
import { addWorker } from '../commands/add-worker.ts'
import { openHelpdesk } from '../commands/open-helpdesk.ts'

/** A help desk that takes every region, with `members` on it; returns its id. */
export async function helpdeskWith(
  db: Db,
  actorId: string,
  members: string[],
  slug = 'desk',
): Promise<string> {
  const deskId = await openHelpdesk(db, {
    slug,
    name: slug,
    takesRest: true,
    regionIds: [],
    retentionDays: 90,
    actorId,
  })
  for (const userId of members) await addWorker(db, { deskId, userId, actorId })
  return deskId
}

/** A test app with an admin, and a desk (set up by the admin) whose members are staff of the roles asked. */
export type DeskApp<R extends readonly Role[]> = {
  t: TestApp
  admin: TestStaff
  members: { [K in keyof R]: TestStaff }
  deskId: string
}

/**
 * A test app with an admin and one help desk taking every region, its members one new staff member
 * per role in `roles`, in that order: what most of the help desk's tests start from.
 */
export async function appWithDesk<const R extends readonly Role[]>(
  roles: R,
  slug = 'desk',
): Promise<DeskApp<R>> {
  const t = await testApp()
  const admin = await createStaff(t.store.db, { roles: ['admin'] })
  const members: TestStaff[] = []
  for (const role of roles) members.push(await createStaff(t.store.db, { roles: [role] }))
  const deskId = await helpdeskWith(
    t.store.db,
    admin.id,
    members.map((member) => member.id),
    slug,
  )
  return { t, admin, members: members as DeskApp<R>['members'], deskId }
}
