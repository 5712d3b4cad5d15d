/**
 * Atom feeds (RFC 4287) of newly published events: all of them, or any public filter (a region, a
 * type, …). The 50 most recent by publication, each redacted through present/api.ts.
 */
import type { FastifyInstance } from 'fastify'
import type { ModuleDeps } from '../../../platform/module.ts'
import { errors } from '../errors.ts'
import { presentApiEvent } from '../present/api.ts'
import { atomFeed } from '../present/feed.ts'
import { sourcesOf } from '../queries/api-related.ts'
import { feedEvents, feedLabels } from '../queries/feed.ts'
import { resolveFilter } from '../queries/filters.ts'
import { eventFilterSchema } from '../schema/filter.ts'

/** Registers /chronicle/feed.atom. */
export function registerFeedRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const publicUrl = deps.env.publicUrl

  app.get('/chronicle/feed.atom', { config: { policy: 'public' } }, async (request, reply) => {
    const parsed = eventFilterSchema.safeParse(request.query)
    if (!parsed.success) throw errors.ERR_INVALID_QUERY()
    const filter = await resolveFilter(db, parsed.data)
    const rows = await feedEvents(db, filter)
    const sources = await sourcesOf(
      db,
      rows.map((row) => row.id),
    )
    const events = rows.map((row) =>
      presentApiEvent(row, { articles: [], sources: sources.get(row.id) ?? [] }, publicUrl),
    )
    const names = await feedLabels(db)
    const { locale, t } = request
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
    const self = `${publicUrl}/chronicle/feed.atom${query}`
    const body = atomFeed({
      events,
      filter: parsed.data,
      names,
      locale,
      t,
      self,
      alternate: `${publicUrl}/chronicle${query}`,
    })
    return reply
      .header('cache-control', 'public, max-age=300')
      .header('vary', 'accept-language, cookie')
      .type('application/atom+xml; charset=utf-8')
      .send(body)
  })
}
