/** The staff dashboard: where a member lands after signing in. */
import type { FastifyInstance } from 'fastify'
import { STAFF } from '../../../platform/policy.ts'
import { actor, pageContext, sendPage } from '../../../platform/request-context.ts'
import { dashboardPage } from '../pages/dashboard.ts'

/** Registers /staff. */
export function registerDashboardRoutes(app: FastifyInstance) {
  app.get('/staff', { config: { policy: { permission: STAFF } } }, async (request, reply) => {
    const session = actor(request)
    return sendPage(
      reply,
      dashboardPage(pageContext(request), { name: session.user.displayName, roles: session.roles }),
    )
  })
}
