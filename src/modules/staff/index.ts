/** The staff area: a dashboard, people and their roles, invitations, and the audit log. */
import type { LifelineModule } from '../../platform/module.ts'
import { MANAGE_USERS, READ_AUDIT, STAFF } from '../../platform/policy.ts'
import { registerStaff } from './register.ts'

/** The staff area's descriptor (its permissions are the platform's own). */
export const staff: LifelineModule = {
  name: 'staff',
  title: 'nav.groups.staff',
  navigation: [
    { href: '/staff', label: 'nav.dashboard', permission: STAFF },
    { href: '/staff/users', label: 'nav.users', permission: MANAGE_USERS },
    { href: '/staff/audit', label: 'nav.audit', permission: READ_AUDIT },
    { href: '/account', label: 'nav.account', permission: STAFF },
    { href: '/staff/styleguide', label: 'nav.styleguide', permission: STAFF },
  ],
  register: registerStaff,
}
