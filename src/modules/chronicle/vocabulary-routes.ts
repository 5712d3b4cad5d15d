import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.ts'

/** Registers this part of the chronicle (being built). */
export function registerVocabularyRoutes(_app: FastifyInstance, _deps: AppDeps) {}
