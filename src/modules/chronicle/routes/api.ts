/** The read-only JSON API under /api/v1: public, validated by schemas.ts, answered through present-api.ts. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { AppError, notFound } from '../../../platform/errors.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { openData } from '../../../platform/openapi.ts'
import { presentEvent, presentEventDetail } from '../present/api.ts'
import { decodeCursor, encodeCursor, eventPage, publishedEvent } from '../queries/api-events.ts'
import { actsOf, articlesOf, sourcesOf } from '../queries/api-related.ts'
import { resolveFilter } from '../queries/filters.ts'
import { eventListQuery, eventParams, vocabularyParams } from '../schema/api.ts'

/** Answers 400 with what is wrong with each parameter. */
export function sendInvalid(request: FastifyRequest, reply: FastifyReply, error: z.ZodError) {
  const fields: Record<string, string> = {}
  for (const issue of error.issues) {
    const name = String(issue.path[0] ?? '_query')
    fields[name] ??= issue.message.startsWith('validation.') ? issue.message : 'validation.invalid'
  }
  const code = 'ERR_INVALID_QUERY'
  return reply.status(400).send({ error: { code, message: request.t(`errors.${code}`), fields } })
}

/** Registers /api/v1 (the document describing it is the platform's, openapi.ts). */
export function registerApiRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const publicUrl = deps.env.publicUrl

  app.get('/api/v1/events', { config: { policy: 'public' } }, async (request, reply) => {
    const parsed = eventListQuery.safeParse(request.query)
    if (!parsed.success) return sendInvalid(request, reply, parsed.error)
    const { cursor, limit, ...filter } = parsed.data
    const after = cursor ? decodeCursor(cursor) : null
    if (cursor && !after) throw new AppError('ERR_BAD_CURSOR', 400)
    const page = await eventPage(db, await resolveFilter(db, filter), after, limit)
    const ids = page.rows.map((row) => row.id)
    const [articles, sources] = await Promise.all([articlesOf(db, page.rows), sourcesOf(db, ids)])
    openData(reply)
    return {
      data: page.rows.map((row) =>
        presentEvent(
          row,
          { articles: articles.get(row.id) ?? [], sources: sources.get(row.id) ?? [] },
          publicUrl,
        ),
      ),
      next: page.next ? encodeCursor(page.next) : null,
    }
  })

  app.get('/api/v1/events/:id', { config: { policy: 'public' } }, async (request, reply) => {
    const parsed = eventParams.safeParse(request.params)
    if (!parsed.success) throw notFound()
    const row = await publishedEvent(db, Number(parsed.data.id))
    if (!row) throw notFound()
    const [articles, sources, acts] = await Promise.all([
      articlesOf(db, [row]),
      sourcesOf(db, [row.id]),
      actsOf(db, [row.id]),
    ])
    openData(reply)
    return presentEventDetail(
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
    const parsed = vocabularyParams.safeParse(request.params)
    if (!parsed.success) throw notFound()
    const terms = await db
      .selectFrom('vocab_terms')
      .select(['code', 'labels', 'extra'])
      .where('vocabulary', '=', parsed.data.vocabulary)
      .where('status', '=', 'approved')
      .orderBy('code')
      .execute()
    openData(reply)
    return { vocabulary: parsed.data.vocabulary, terms }
  })
}
