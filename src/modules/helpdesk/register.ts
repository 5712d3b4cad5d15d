/** The help desk module: its tables, permissions, public forms and desk pages plug in here. */
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.ts'
import { registerErasureKeyOwner } from '../../platform/crypto/erasure-key-sweep.ts'
import { registerHelpdeskDeskRoutes } from './desk-routes.ts'
import { reportKeysInUse } from './erasure.ts'
import { registerHelpdeskManageRoutes } from './manage-routes.ts'
import { registerHelpdeskPublicRoutes } from './public-routes.ts'
import { registerHelpdeskRotationRoutes } from './rotation-routes.ts'
import { registerHelpdeskTemplateRoutes } from './template-routes.ts'
import './retention.ts'
import './tables.ts'

/** Registers everything the help desk serves. */
export function registerHelpdesk(app: FastifyInstance, deps: AppDeps) {
  // Reports name their erasure keys: the platform's sweep of orphaned keys leaves those alone.
  registerErasureKeyOwner({ name: 'helpdesk', keysInUse: reportKeysInUse })
  registerHelpdeskPublicRoutes(app, deps)
  registerHelpdeskDeskRoutes(app, deps)
  registerHelpdeskManageRoutes(app, deps)
  registerHelpdeskRotationRoutes(app, deps)
  registerHelpdeskTemplateRoutes(app, deps)
}
