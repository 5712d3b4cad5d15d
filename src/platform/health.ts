/** /healthz: the process is up. /readyz: the database answers and every migration is applied. */
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Store } from './db/database.ts'
import { pendingMigrations } from './db/migrate.ts'

/** Registers the health endpoints. */
export function registerHealth(app: FastifyInstance, store: Store) {
  app.get('/healthz', { config: { policy: 'public' } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { config: { policy: 'public' } }, async (_request, reply) => {
    try {
      await sql`SELECT 1`.execute(store.db)
      const pending = await pendingMigrations(store.db)
      if (pending.length) return reply.status(503).send({ status: 'migrations pending', pending })
      return { status: 'ready', engine: store.engine }
    } catch {
      return reply.status(503).send({ status: 'database unreachable' })
    }
  })
}
