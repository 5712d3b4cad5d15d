/** The chronicle's routes: vocabularies, staff pages, imports, public pages, statistics, open data. */
import type { FastifyInstance } from 'fastify'
import type { ModuleDeps } from '../../platform/module.ts'
import { registerDataRoutes } from './data-routes.ts'
import { registerImportRoutes } from './import-routes.ts'
import { registerPublicRoutes } from './public-routes.ts'
import { registerStaffRoutes } from './staff-routes.ts'
import { registerStatsRoutes } from './stats-routes.ts'
import { registerVocabularyRoutes } from './vocabulary-routes.ts'
import './tables.ts'

/** Registers everything the chronicle serves. */
export function registerChronicle(app: FastifyInstance, deps: ModuleDeps) {
  registerVocabularyRoutes(app, deps)
  registerStaffRoutes(app, deps)
  registerImportRoutes(app, deps)
  registerPublicRoutes(app, deps)
  registerStatsRoutes(app, deps)
  registerDataRoutes(app, deps)
}
