/**
 * The public chronicle: the list with facets and search, and permalinks for events, persons and
 * cases. Public to all; only published events are read, and everything shown goes through present/public.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { notFound } from '../../../platform/errors.ts'
import { languageOrder } from '../../../platform/localised.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { pageContext, sendPage } from '../../../platform/request-context.ts'
import { parseParams } from '../../../platform/validation.ts'
import { termIndex } from '../../../platform/vocabularies/queries.ts'
import { publicCasePage } from '../pages/public-case.ts'
import { publicEventPage } from '../pages/public-event.ts'
import { filterParams, publicListPage } from '../pages/public-list.ts'
import { publicPersonPage } from '../pages/public-person.ts'
import {
  ageYear,
  presentCase,
  presentPerson,
  presentPublicAct,
  presentPublicEvent,
  presentSource,
  presentStage,
} from '../present/public.ts'
import { highlights, listEvents, publicEvent } from '../queries/events.ts'
import { facetCounts, facetScope } from '../queries/facets.ts'
import { resolveFilter } from '../queries/filters.ts'
import { survivorOf } from '../queries/merges.ts'
import {
  articleParts,
  caseArticles,
  caseIsSensitive,
  caseStages,
  casesByIds,
  eventSources,
  eventsByIds,
  publicActs,
  publicCase,
  publicPerson,
} from '../queries/permalinks.ts'
import { estimateAbove } from '../queries/search.ts'
import { PAGE_SIZE, parseListQuery, permalinkParams } from '../schema/public.ts'

const idParam = (request: FastifyRequest): number => parseParams(permalinkParams, request.params).id

const unique = (values: (number | null)[]) => [
  ...new Set(values.filter((value): value is number => value != null)),
]

/** Registers /chronicle and the permalinks. */
export function registerPublicRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store

  app.get('/chronicle', { config: { policy: 'public' } }, async (request, reply) => {
    const ctx = pageContext(request)
    const { filter, position, errors } = parseListQuery(request)
    const terms = (await termIndex(db)).byId
    if (Object.keys(errors).length) {
      const page = publicListPage(ctx, {
        filter,
        errors,
        terms,
        facets: null,
        events: [],
        highlights: new Map(),
        newerHref: null,
        olderHref: null,
      })
      return sendPage(reply, page, 400)
    }
    const resolved = await resolveFilter(db, filter)
    // The page and its counts are read at once (on native PostgreSQL, on separate connections).
    const [found, facets] = await Promise.all([
      listEvents(db, resolved, position, PAGE_SIZE),
      facetCounts(db, resolved),
    ])
    const estimate = facets ? null : await estimateAbove(db, resolved, facetScope(resolved))
    const marked = resolved.q
      ? await highlights(
          db,
          found.rows.map((row) => row.id),
          resolved.q,
          languageOrder(ctx.locale),
        )
      : new Map()
    const link = (key: 'after' | 'before', at: number) => {
      const params = filterParams(filter)
      params.set(key, String(at))
      return `/chronicle?${params}`
    }
    const page = publicListPage(ctx, {
      filter,
      errors,
      terms,
      facets,
      events: found.rows.map((row) => presentPublicEvent(row, terms, ctx.locale)),
      highlights: marked,
      newerHref: found.newer ? link('before', found.newer) : null,
      olderHref: found.older ? link('after', found.older) : null,
      estimate,
    })
    return sendPage(reply, page)
  })

  app.get('/chronicle/events/:id', { config: { policy: 'public' } }, async (request, reply) => {
    const id = idParam(request)
    const row = await publicEvent(db, id)
    if (!row) {
      // A merged event's permalink leads to the event it became part of, if that one is public.
      const survivor = await survivorOf(db, id)
      if (survivor !== null && (await publicEvent(db, survivor)))
        return reply.redirect(`/chronicle/events/${survivor}`, 301)
      throw notFound()
    }
    const ctx = pageContext(request)
    const terms = (await termIndex(db)).byId
    const year = ageYear(row.start_date)
    const actRows = await publicActs(db, { eventId: id })
    const caseIds = unique(actRows.map((act) => act.case_id))
    const [cases, parts] = await Promise.all([casesByIds(db, caseIds), articleParts(db, caseIds)])
    const sources = await eventSources(db, id)
    const page = publicEventPage(ctx, {
      event: presentPublicEvent(row, terms, ctx.locale),
      sources: sources.map((source) => presentSource(source, row, ctx.locale)),
      acts: actRows.map((act) => presentPublicAct(act, terms, year, ctx.locale)),
      cases: cases.map((item) => presentCase(item, terms, ctx.locale)),
      parts,
    })
    return sendPage(reply, page)
  })

  app.get('/chronicle/persons/:id', { config: { policy: 'public' } }, async (request, reply) => {
    const id = idParam(request)
    const row = await publicPerson(db, id)
    if (!row) throw notFound()
    const ctx = pageContext(request)
    const actRows = await publicActs(db, { personId: id })
    const events = await eventsByIds(db, unique(actRows.map((act) => act.event_id)))
    // An anonymous person's age as of their latest published event, so it doesn't drift each year.
    const latest = actRows.find((act) => act.event_date)?.event_date
    const year = ageYear(latest)
    const person = presentPerson(row, year, ctx.locale)
    if (!person) throw notFound()
    const terms = (await termIndex(db)).byId
    const page = publicPersonPage(ctx, {
      person,
      events: events.map((event) => presentPublicEvent(event, terms, ctx.locale)),
      acts: actRows.map((act) => presentPublicAct(act, terms, ageYear(act.event_date ?? latest), ctx.locale)),
    })
    return sendPage(reply, page)
  })

  app.get('/chronicle/cases/:id', { config: { policy: 'public' } }, async (request, reply) => {
    const id = idParam(request)
    const row = await publicCase(db, id)
    if (!row) throw notFound()
    const ctx = pageContext(request)
    const terms = (await termIndex(db)).byId
    const articles = await caseArticles(db, [id])
    const [stages, sensitive] = await Promise.all([caseStages(db, id), caseIsSensitive(db, id)])
    const actRows = await publicActs(db, { caseId: id })
    const events = await eventsByIds(db, unique(actRows.map((act) => act.event_id)))
    const page = publicCasePage(ctx, {
      item: presentCase({ ...row, articleIds: articles.get(id) ?? [] }, terms, ctx.locale),
      stages: stages.map((stage) => presentStage(stage, { sensitive }, ctx.locale)),
      events: events.map((event) => presentPublicEvent(event, terms, ctx.locale)),
      acts: actRows.map((act) => presentPublicAct(act, terms, ageYear(act.event_date), ctx.locale)),
    })
    return sendPage(reply, page)
  })
}
