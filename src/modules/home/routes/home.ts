/** GET /: the home page, in the reader's language. */
import type { FastifyInstance } from 'fastify'
import type { ModuleDeps } from '../../../platform/module.ts'
import { pageContext, sendPage } from '../../../platform/request-context.ts'
import { homePage } from '../pages/home.ts'

/** Registers the home page, listing every installed module's home entries. */
export function registerHomeRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const entries = deps.modules.flatMap((module) => module.home ?? [])
  app.get('/', { config: { policy: 'public' } }, async (request, reply) =>
    sendPage(reply, homePage(pageContext(request), entries)),
  )
}
