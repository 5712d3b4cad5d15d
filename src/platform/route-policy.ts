/**
 * Enforces each route's declared policy before its handler runs. A route registered without a
 * policy stops the app from starting, so none can slip through unguarded.
 */
import type { FastifyInstance } from 'fastify'
import { notFound } from './errors.ts'
import { can, needsSecondFactor, type RoutePolicy } from './policy.ts'

/** A registered route and the policy it declared. */
export type RouteEntry = { method: string; url: string; policy: RoutePolicy | undefined }

/** Records every route's policy, refuses routes without one, and checks policies on each request. */
export function registerRoutePolicy(app: FastifyInstance, routes: RouteEntry[]) {
  app.addHook('onRoute', (route) => {
    const policy = route.config?.policy
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) routes.push({ method, url: route.url, policy })
    if (!policy) throw new Error(`Route ${methods.join(',')} ${route.url} declares no policy (config.policy)`)
  })

  app.addHook('preHandler', async (request, reply) => {
    const policy = request.routeOptions.config.policy
    if (!request.routeOptions.url) return // the 404 handler
    if (policy === 'public') return
    const session = request.session
    if (policy === 'session') {
      if (!session) return reply.redirect('/login', 303)
      return
    }
    if (!policy) throw notFound()
    if (!session) {
      if (request.method === 'GET') {
        return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303)
      }
      throw notFound()
    }
    if (session.stage === 'second-factor') return reply.redirect('/login/totp', 303)
    // Also a member who gained a sealed-data role while signed in without TOTP: enrol before going on.
    if (session.stage === 'enrol' || (!session.user.totpEnabled && needsSecondFactor(session.roles))) {
      return reply.redirect('/account/totp', 303)
    }
    if (!can(session.roles, policy.permission)) throw notFound()
  })
}
