/** The home page's routes. */
import type { FastifyInstance } from 'fastify'
import type { ModuleDeps } from '../../platform/module.ts'
import { registerHomeRoutes } from './routes/home.ts'

/** Registers the home page. */
export function registerHome(app: FastifyInstance, deps: ModuleDeps) {
  registerHomeRoutes(app, deps)
}
