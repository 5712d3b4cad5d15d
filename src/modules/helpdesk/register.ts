/** The help desk's routes: public forms, the desk's queue, set-up, re-keying and templates. */
import type { FastifyInstance } from 'fastify'
import type { ModuleDeps } from '../../platform/module.ts'
import { registerHelpdeskDeskRoutes } from './routes/desk.ts'
import { registerHelpdeskGuideRoutes } from './routes/guides.ts'
import { registerHelpdeskManageRoutes } from './routes/manage.ts'
import { registerHelpdeskPublicRoutes } from './routes/public.ts'
import { registerHelpdeskRotationRoutes } from './routes/rotation.ts'
import { registerHelpdeskTemplateRoutes } from './routes/templates.ts'
import { registerHelpdeskTextRoutes } from './routes/texts.ts'
import './tables.ts'

/** Registers everything the help desk serves. */
export function registerHelpdesk(app: FastifyInstance, deps: ModuleDeps) {
  registerHelpdeskPublicRoutes(app, deps)
  registerHelpdeskDeskRoutes(app, deps)
  registerHelpdeskManageRoutes(app, deps)
  registerHelpdeskRotationRoutes(app, deps)
  registerHelpdeskTemplateRoutes(app, deps)
  registerHelpdeskGuideRoutes(app, deps)
  registerHelpdeskTextRoutes(app, deps)
}
