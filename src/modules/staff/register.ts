/** The staff area: a dashboard, people and their roles, invitations, and the audit log. */
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.ts'
import { addStaffNav } from '../../platform/html/layout.ts'
import { MANAGE_USERS, READ_AUDIT, STAFF } from '../../platform/policy.ts'
import { pageContext, sendPage } from '../../platform/request-context.ts'
import { registerAuditRoutes } from './audit-routes.ts'
import { dashboardPage } from './pages/dashboard.ts'
import { registerUserRoutes } from './user-routes.ts'

/** Registers the staff routes and navigation. */
export function registerStaff(app: FastifyInstance, deps: AppDeps) {
  addStaffNav({ href: '/staff', label: 'nav.dashboard', permission: STAFF })
  addStaffNav({ href: '/staff/users', label: 'nav.users', permission: MANAGE_USERS })
  addStaffNav({ href: '/staff/audit', label: 'nav.audit', permission: READ_AUDIT })
  addStaffNav({ href: '/account', label: 'nav.account', permission: STAFF })

  app.get('/staff', { config: { policy: { permission: STAFF } } }, async (request, reply) => {
    const session = request.session!
    return sendPage(
      reply,
      dashboardPage(pageContext(request), { name: session.user.displayName, roles: session.roles }),
    )
  })
  registerUserRoutes(app, deps)
  registerAuditRoutes(app, deps)
}
