/**
 * buildApp(): the whole Lifeline web app, not listening. serve.ts listens; tests inject requests.
 * Modules plug in through their descriptors (platform/module.ts); the platform does not know them.
 */

import type { Socket } from 'node:net'
import qs from 'node:querystring'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import rateLimit from '@fastify/rate-limit'
import Fastify, { type FastifyInstance, type FastifyReply, LogController } from 'fastify'
import type { Env } from './env.ts'
import { installedModules } from './modules.ts'
import { registerAuth } from './platform/auth/routes.ts'
import { isLoopback } from './platform/auth/throttle.ts'
import { registerCompression } from './platform/compression.ts'
import type { Store } from './platform/db/database.ts'
import { registerErrorPages } from './platform/error-pages.ts'
import { registerHealth } from './platform/health.ts'
import { registerAssets } from './platform/html/assets.ts'
import { hashedAddressKey } from './platform/intake/address-limit.ts'
import { type LifelineModule, type ModuleDeps, modulePermissions } from './platform/module.ts'
import { registerApiDocument } from './platform/openapi.ts'
import { platformPermissions } from './platform/policy.ts'
import { registerRequestContext } from './platform/request-context.ts'
import { registerRequestLog, windowedLogger } from './platform/request-log.ts'
import { type RouteEntry, registerRoutePolicy } from './platform/route-policy.ts'
import { bareErrorHeaders, overrideMethod, registerSecurity } from './platform/security.ts'
import { type ServerTimeouts, serverTimeouts, timeoutOptions } from './platform/timeouts.ts'

// Believe exactly `hops` proxies: X-Forwarded-For entries further left are the client's own claims.
function trustHops(hops: number) {
  return (_address: string, hop: number) => hop < hops
}

/** What buildApp needs: the open store, the validated settings, and the modules (all installed ones by default). */
export type AppOptions = {
  store: Store
  env: Env
  modules?: readonly LifelineModule[]
  /** Routes added after the modules' (a benchmark's baseline); never in a running Lifeline. */
  extraRoutes?: (app: FastifyInstance, deps: ModuleDeps) => void
  logger?: boolean
  logStream?: NodeJS.WritableStream
  /** Deadlines other than the settings' (tests shorten them). */
  timeouts?: Partial<ServerTimeouts>
}

/** The app plus the list of its routes with their policies (for the route-policy test). */
export type App = FastifyInstance & { lifelineRoutes: RouteEntry[] }

/** Builds the app with every module registered. */
export async function buildApp(options: AppOptions): Promise<App> {
  const { env, store } = options
  const modules = options.modules ?? installedModules
  // Two modules declaring the same permission name would share grants by accident: refuse to start.
  modulePermissions([{ name: 'platform', permissions: platformPermissions, register() {} }, ...modules])
  const secureCookies = env.publicUrl.startsWith('https://')
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: env.LOG_LEVEL,
            ...(options.logStream ? { stream: options.logStream } : {}),
          },
    // Request logs are written below without addresses, query strings or tokens in paths.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy:
      typeof env.LIFELINE_TRUST_PROXY === 'number'
        ? trustHops(env.LIFELINE_TRUST_PROXY)
        : env.LIFELINE_TRUST_PROXY,
    bodyLimit: 256 * 1024,
    ...timeoutOptions(serverTimeouts(env, options.timeouts)),
    rewriteUrl: overrideMethod,
    // A URL that can't even be routed (bad percent-encoding) gets a plain 400 with the usual strict headers.
    frameworkErrors: (_error, _request, reply) => {
      ;(reply as FastifyReply)
        .code(400)
        .headers(bareErrorHeaders)
        .type('text/plain; charset=utf-8')
        .send('400 Bad Request')
    },
    routerOptions: { ignoreTrailingSlash: true },
  })
  // Node reads a socket's peer address when first asked and keeps it; asked only once the client has
  // hung up, it is undefined, and so is request.ip (the rate limits' key, sign-in throttling). Asking
  // as the connection opens pins it for every request on it, however long they wait for the database.
  app.server.on('connection', (socket: Socket) => socket.remoteAddress)
  const routes: RouteEntry[] = []
  registerRoutePolicy(app, routes)
  registerRequestLog(
    app,
    options.logger === false ? undefined : windowedLogger(env.LOG_LEVEL, options.logStream ?? process.stdout),
  )
  await app.register(cookie)
  // Forms are urlencoded and the API is JSON; nothing takes plain text.
  app.removeContentTypeParser('text/plain')
  // Plain forms post urlencoded bodies; repeated fields (checkboxes) become arrays.
  await app.register(formbody, { bodyLimit: 256 * 1024, parser: (body) => qs.parse(body) })
  // Per address; loopback is everyone behind an onion service (or an untrusted proxy), not one client.
  await app.register(rateLimit, {
    max: 600,
    timeWindow: '1 minute',
    keyGenerator: hashedAddressKey,
    allowList: (request) => isLoopback(request.ip ?? ''),
  })
  await registerSecurity(app, { secureCookies })
  await registerCompression(app)
  registerRequestContext(app, store, {
    secureCookies,
    navigation: modules.flatMap((module) =>
      (module.navigation ?? []).map((item) => ({ ...item, group: item.group ?? module.title })),
    ),
  })
  registerErrorPages(app)
  registerAssets(app)
  registerHealth(app, store)

  const deps: ModuleDeps = { store, env, modules }
  registerAuth(app, deps)
  registerApiDocument(app, env.publicUrl, () =>
    modules.flatMap((module) => (module.api ? [module.api()] : [])),
  )
  for (const module of modules) module.register(app, deps)
  options.extraRoutes?.(app, deps)

  await app.ready()
  return Object.assign(app as FastifyInstance, { lifelineRoutes: routes })
}
