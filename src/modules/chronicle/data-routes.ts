/** Open data: the JSON API and its OpenAPI document, Atom feeds, and exports (streamed or as jobs). */
import type { FastifyInstance } from 'fastify'
import type { ModuleDeps } from '../../platform/module.ts'
import { registerFeedRoutes } from './api/feed.ts'
import { registerApiRoutes } from './api/routes.ts'
import { registerExportRoutes } from './export/routes.ts'

/** Registers the chronicle's open data routes. */
export function registerDataRoutes(app: FastifyInstance, deps: ModuleDeps) {
  registerApiRoutes(app, deps)
  registerFeedRoutes(app, deps)
  registerExportRoutes(app, deps)
}
