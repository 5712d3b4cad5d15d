/** The staff dashboard: where a member lands after signing in. */
import type { FastifyInstance } from 'fastify'
import type { FirstStep, ModuleDeps } from '../../../platform/module.ts'
import { can, STAFF } from '../../../platform/policy.ts'
import { actor, pageContext, sendPage } from '../../../platform/request-context.ts'
import { dashboardPage } from '../pages/dashboard.ts'

/** Registers /staff, with the installed modules' first steps this member may take. */
export function registerDashboardRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  app.get('/staff', { config: { policy: { permission: STAFF } } }, async (request, reply) => {
    const session = actor(request)
    const steps: FirstStep[] = (
      await Promise.all(deps.modules.map((module) => module.firstSteps?.(db) ?? []))
    )
      .flat()
      .filter((step) => can(session.roles, step.permission))
    return sendPage(
      reply,
      dashboardPage(pageContext(request), { name: session.user.displayName, roles: session.roles, steps }),
    )
  })
}
