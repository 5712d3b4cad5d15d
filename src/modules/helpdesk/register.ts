/** The help desk's routes: public forms, the desk's queue, set-up, re-keying and templates. */
import type { FastifyInstance } from 'fastify'
import type { ModuleDeps } from '../../platform/module.ts'
import { registerHelpdeskDeskRoutes } from './desk-routes.ts'
import { registerHelpdeskManageRoutes } from './manage-routes.ts'
import { registerHelpdeskPublicRoutes } from './public-routes.ts'
import { registerHelpdeskRotationRoutes } from './rotation-routes.ts'
import { registerHelpdeskTemplateRoutes } from './template-routes.ts'
import './tables.ts'

/** Registers everything the help desk serves. */
export function registerHelpdesk(app: FastifyInstance, deps: ModuleDeps) {
  registerHelpdeskPublicRoutes(app, deps)
  registerHelpdeskDeskRoutes(app, deps)
  registerHelpdeskManageRoutes(app, deps)
  registerHelpdeskRotationRoutes(app, deps)
  registerHelpdeskTemplateRoutes(app, deps)
}
