/** The staff area's routes: a dashboard, people and their roles, invitations, and the audit log. */
import type { FastifyInstance } from 'fastify'
import type { ModuleDeps } from '../../platform/module.ts'
import { registerAuditRoutes } from './routes/audit.ts'
import { registerDashboardRoutes } from './routes/dashboard.ts'
import { registerStyleguideRoutes } from './routes/styleguide.ts'
import { registerUserRoutes } from './routes/users.ts'

/** Registers the staff routes. */
export function registerStaff(app: FastifyInstance, deps: ModuleDeps) {
  registerDashboardRoutes(app, deps)
  registerUserRoutes(app, deps)
  registerAuditRoutes(app, deps)
  registerStyleguideRoutes(app)
}
