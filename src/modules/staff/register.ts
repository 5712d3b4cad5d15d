/** The staff area's routes: a dashboard, people and their roles, invitations, and the audit log. */
import type { FastifyInstance } from 'fastify'
import type { ModuleDeps } from '../../platform/module.ts'
import { STAFF } from '../../platform/policy.ts'
import { pageContext, sendPage } from '../../platform/request-context.ts'
import { registerAuditRoutes } from './audit-routes.ts'
import { dashboardPage } from './pages/dashboard.ts'
import { registerUserRoutes } from './user-routes.ts'

/** Registers the staff routes. */
export function registerStaff(app: FastifyInstance, deps: ModuleDeps) {
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
