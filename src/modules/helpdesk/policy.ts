/** Who may do what at the help desk. Reading a report also needs membership of its desk. */
import { definePermission } from '../../platform/policy.ts'

/** Work the queue of one's desks: read reports, reply, write notes, claim, change status. */
export const WORK_HELPDESK = definePermission('helpdesk.work', ['coordinator', 'lawyer', 'volunteer'])
/** Assign reports to others, and see the retention list. */
export const ASSIGN_HELPDESK = definePermission('helpdesk.assign', ['coordinator'])
/** Set up desks: members, regions, retention; reply templates. */
export const MANAGE_HELPDESK = definePermission('helpdesk.manage', ['admin', 'coordinator'])
/**
 * Re-key a desk's records after a member left (coordinators who are members of the desk: it takes
 * their key). Admins set desks up but don't work them, so they hold no key to rotate with.
 */
export const ROTATE_HELPDESK = definePermission('helpdesk.rotate', ['coordinator'])
