/** The style guide for staff: every component of the design system, as pages use it. */
import type { FastifyInstance } from 'fastify'
import { STAFF } from '../../../platform/policy.ts'
import { pageContext, sendPage } from '../../../platform/request-context.ts'
import { styleguidePage } from '../pages/styleguide.ts'

/** Registers /staff/styleguide. */
export function registerStyleguideRoutes(app: FastifyInstance) {
  app.get('/staff/styleguide', { config: { policy: { permission: STAFF } } }, async (request, reply) =>
    sendPage(reply, styleguidePage(pageContext(request))),
  )
}
