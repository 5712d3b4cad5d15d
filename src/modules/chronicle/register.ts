/** The chronicle's routes: vocabularies, staff pages, imports, public pages, statistics, open data. */
import type { FastifyInstance } from 'fastify'
import type { ModuleDeps } from '../../platform/module.ts'
import { registerApiRoutes } from './routes/api.ts'
import { registerExportRoutes } from './routes/export.ts'
import { registerFeedRoutes } from './routes/feed.ts'
import { registerImportRoutes } from './routes/import.ts'
import { registerMergeRoutes } from './routes/merge.ts'
import { registerPublicRoutes } from './routes/public.ts'
import { registerStaffRoutes } from './routes/staff.ts'
import { registerStatsRoutes } from './routes/stats.ts'
import { registerVocabularyRoutes } from './routes/vocabularies.ts'
import './tables.ts'

/** Registers everything the chronicle serves. */
export function registerChronicle(app: FastifyInstance, deps: ModuleDeps) {
  registerVocabularyRoutes(app, deps)
  registerStaffRoutes(app, deps)
  registerMergeRoutes(app, deps)
  registerImportRoutes(app, deps)
  registerPublicRoutes(app, deps)
  registerStatsRoutes(app, deps)
  // Open data: the JSON API, Atom feeds, and exports (streamed or as jobs).
  registerApiRoutes(app, deps)
  registerFeedRoutes(app, deps)
  registerExportRoutes(app, deps)
}
