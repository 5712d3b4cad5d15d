/**
 * Statistics of the chronicle, all public: the page, a CSV per breakdown and the JSON API. All three
 * read one `computeStats` of the same filter, so their figures agree.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ModuleDeps } from '../../../platform/module.ts'
import { pageContext, sendPage } from '../../../platform/request-context.ts'
import { type FieldErrors, parseForm } from '../../../platform/validation.ts'
import { errors } from '../errors.ts'
import { statsPage } from '../pages/stats.ts'
import { queryValues } from '../pages/stats-form.ts'
import { statsCsv, statsJson, statsOptions } from '../present/stats.ts'
import { resolveFilter } from '../queries/filters.ts'
import { breakdowns, computeStats, filterQueryString, statsFilterTerms } from '../queries/stats.ts'
import { type StatsQuery, statsQuerySchema } from '../schema/filter.ts'

// The filter could not be read (a bad date, code, status or measure); the message says what to check.
function parsed(request: FastifyRequest): StatsQuery {
  const result = parseForm(statsQuerySchema, request.query)
  if (!result.ok) throw errors.ERR_STATS_FILTER()
  return result.data
}

const translated = (request: FastifyRequest, errors: FieldErrors) =>
  Object.fromEntries(Object.entries(errors).map(([field, key]) => [field, request.t(key)]))

/** Registers /chronicle/stats, /chronicle/stats/<breakdown>.csv and /api/v1/stats. */
export function registerStatsRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const db = deps.store.db

  app.get('/chronicle/stats', { config: { policy: 'public' } }, async (request, reply) => {
    const ctx = pageContext(request)
    const values = queryValues(request.query)
    const form = { values, errors: {}, options: statsOptions(await statsFilterTerms(db), ctx.locale) }
    const result = parseForm(statsQuerySchema, request.query)
    if (!result.ok) return sendPage(reply, statsPage(ctx, { form: { ...form, errors: result.errors } }), 400)
    const stats = await computeStats(db, await resolveFilter(db, result.data))
    const measure = result.data.measure ?? 'events'
    return sendPage(
      reply,
      statsPage(ctx, { form, result: { stats, measure, query: filterQueryString(result.data) } }),
    )
  })

  for (const breakdown of breakdowns) {
    app.get(`/chronicle/stats/${breakdown}.csv`, { config: { policy: 'public' } }, async (request, reply) => {
      const filter = parsed(request)
      const stats = await computeStats(db, await resolveFilter(db, filter))
      return reply
        .type('text/csv; charset=utf-8; header=present')
        .header('content-disposition', `attachment; filename="chronicle-${breakdown}.csv"`)
        .send(statsCsv(stats, breakdown, request.t, request.locale))
    })
  }

  app.get('/api/v1/stats', { config: { policy: 'public' } }, async (request, reply) => {
    const result = parseForm(statsQuerySchema, request.query)
    if (!result.ok) {
      const message = request.t('errors.ERR_STATS_FILTER')
      return reply
        .status(400)
        .send({ error: { code: 'ERR_STATS_FILTER', message, fields: translated(request, result.errors) } })
    }
    const stats = await computeStats(db, await resolveFilter(db, result.data))
    return reply.send(statsJson(stats, result.data))
  })
}
