/** The read-only JSON API under /api/v1: public, validated by schema/api.ts, answered through present/api.ts. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { notFound } from '../../../platform/errors.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { publicData } from '../../../platform/openapi.ts'
import { type FieldErrors, parseParams } from '../../../platform/validation.ts'
import { errors } from '../errors.ts'
import { presentApiEvent, presentApiEventDetail, presentVocabulary } from '../present/api.ts'
import { decodeCursor, encodeCursor, listApiEvents, publishedEvent } from '../queries/api-events.ts'
import { actsOf, articlesOf, sourcesOf } from '../queries/api-related.ts'
import { approvedVocabulary } from '../queries/api-vocabularies.ts'
import { resolveFilter } from '../queries/filters.ts'
import { survivorOf } from '../queries/merges.ts'
import { countMatches } from '../queries/search.ts'
import { apiEventParams, eventListQuery, parseApiQuery, vocabularyParams } from '../schema/api.ts'

// 400 with what is wrong with each parameter (the message keys parseApiQuery chose).
function sendInvalid(request: FastifyRequest, reply: FastifyReply, fields: FieldErrors) {
  const code = 'ERR_INVALID_QUERY'
  return reply.status(400).send({ error: { code, message: request.t(`errors.${code}`), fields } })
}

/** Registers /api/v1 (the document describing it is the platform's, openapi.ts). */
export function registerApiRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const publicUrl = deps.env.publicUrl

  app.get('/api/v1/events', { config: { policy: 'public' } }, async (request, reply) => {
    const parsed = parseApiQuery(eventListQuery, request.query)
    if (!parsed.ok) return sendInvalid(request, reply, parsed.errors)
    const { cursor, limit, ...filter } = parsed.data
    const after = cursor ? decodeCursor(cursor) : null
    if (cursor && !after) throw errors.ERR_BAD_CURSOR()
    const resolved = await resolveFilter(db, filter)
    // Counted once, on the first page: a client paging on knows the number already.
    const [page, total] = await Promise.all([
      listApiEvents(db, resolved, after, limit),
      after ? null : countMatches(db, resolved),
    ])
    const ids = page.rows.map((row) => row.id)
    const [articles, sources] = await Promise.all([articlesOf(db, page.rows), sourcesOf(db, ids)])
    publicData(reply)
    return {
      data: page.rows.map((row) =>
        presentApiEvent(
          row,
          { articles: articles.get(row.id) ?? [], sources: sources.get(row.id) ?? [] },
          publicUrl,
        ),
      ),
      next: page.next ? encodeCursor(page.next) : null,
      total,
    }
  })

  app.get('/api/v1/events/:id', { config: { policy: 'public' } }, async (request, reply) => {
    const { id } = parseParams(apiEventParams, request.params)
    const row = await publishedEvent(db, Number(id))
    if (!row) {
      // A merged event's address leads to the event it became part of, if that one is public.
      const survivor = await survivorOf(db, Number(id))
      if (survivor !== null && (await publishedEvent(db, survivor))) {
        publicData(reply)
        return reply.redirect(`/api/v1/events/${survivor}`, 301)
      }
      throw notFound()
    }
    const [articles, sources, acts] = await Promise.all([
      articlesOf(db, [row]),
      sourcesOf(db, [row.id]),
      actsOf(db, [row.id]),
    ])
    publicData(reply)
    return presentApiEventDetail(
      row,
      {
        articles: articles.get(row.id) ?? [],
        sources: sources.get(row.id) ?? [],
        acts: acts.get(row.id) ?? [],
      },
      publicUrl,
    )
  })

  app.get('/api/v1/vocabularies/:vocabulary', { config: { policy: 'public' } }, async (request, reply) => {
    const { vocabulary } = parseParams(vocabularyParams, request.params)
    const rows = await approvedVocabulary(db, vocabulary)
    publicData(reply)
    return presentVocabulary(vocabulary, rows)
  })
}
