/** The chronicle module: its tables, permissions, pages, API and jobs plug in here. */
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.ts'
import { registerDataRoutes } from './data-routes.ts'
import { registerImportRoutes } from './import-routes.ts'
import { registerPublicRoutes } from './public-routes.ts'
import { registerStaffRoutes } from './staff-routes.ts'
import { registerStatsRoutes } from './stats-routes.ts'
import { registerVocabularyRoutes } from './vocabulary-routes.ts'
import './tables.ts'

/** Registers everything the chronicle serves. */
export function registerChronicle(app: FastifyInstance, deps: AppDeps) {
  registerVocabularyRoutes(app, deps)
  registerStaffRoutes(app, deps)
  registerImportRoutes(app, deps)
  registerPublicRoutes(app, deps)
  registerStatsRoutes(app, deps)
  registerDataRoutes(app, deps)
}
