/**
 * Staff editing of events and their sources, with review, history and optimistic locking: the list
 * at /staff/chronicle, the event pages under /staff/chronicle/events. Plain forms, Post/Redirect/Get.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { notFound, platformErrors } from '../../../platform/errors.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { countryOptions } from '../../../platform/regions/countries.ts'
import { actor, pageContext, sendPage } from '../../../platform/request-context.ts'
import { type FieldErrors, parseForm, parseParams } from '../../../platform/validation.ts'
import { termIndex } from '../../../platform/vocabularies/queries.ts'
import { publishBlocker, publishEvent, unpublishEvent } from '../commands/publish-event.ts'
import { disputeEvent, verifyEvent } from '../commands/review.ts'
import { createEvent, updateEvent } from '../commands/save-event.ts'
import { addSource, removeSource } from '../commands/sources.ts'
import { conflictPage } from '../pages/staff-conflict.ts'
import { editEventPage, newEventPage } from '../pages/staff-event.ts'
import { comparePage, historyPage } from '../pages/staff-history.ts'
import { staffListPage } from '../pages/staff-list.ts'
import { confirmUnpublishPage } from '../pages/staff-review.ts'
import { EDIT_CHRONICLE, REVIEW_CHRONICLE } from '../policy.ts'
import { duplicatesOfEvent } from '../queries/duplicates.ts'
import {
  approvedTerms,
  inputRecord,
  loadEvent,
  recordValues,
  type StaffEvent,
} from '../queries/event-record.ts'
import { compareVersions, listEventHistory } from '../queries/history.ts'
import { mergeNote } from '../queries/merges.ts'
import { listVerifications, secondVerificationRequired } from '../queries/reviews.ts'
import { listStaffEvents } from '../queries/staff-events.ts'
import {
  compareQuery,
  createEventForm,
  reviewForm,
  sourceForm,
  sourceParams,
  staffEventParams,
  staffListQuery,
  updateEventForm,
} from '../schema/events.ts'

// The notices a redirect may ask the event page to show; anything else in `?done=` is ignored.
const notices = new Set([
  'created',
  'saved',
  'unchanged',
  'sourceAdded',
  'sourceRemoved',
  'verified',
  'disputed',
  'published',
  'unpublished',
  'merged',
  'mergeUndone',
])

/** A submitted form's values as text, to show them again: one value per field, nothing else. */
function typedValues(body: unknown): Record<string, string> {
  const values: Record<string, string> = {}
  if (!body || typeof body !== 'object') return values
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const first = Array.isArray(value) ? value[0] : value
    if (typeof first === 'string' && name !== '_csrf') values[name] = first
  }
  return values
}

/** Registers the staff pages of events. */
export function registerStaffRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const edit = { policy: { permission: EDIT_CHRONICLE } }
  const review = { policy: { permission: REVIEW_CHRONICLE } }

  const vocabularies = async (request: FastifyRequest) => ({
    types: await approvedTerms(db, 'event_type'),
    regions: await approvedTerms(db, 'region'),
    countries: await countryOptions(db, pageContext(request).locale),
  })

  const eventId = (request: FastifyRequest): number => parseParams(staffEventParams, request.params).id

  const findEvent = async (request: FastifyRequest): Promise<StaffEvent> => {
    const event = await loadEvent(db, eventId(request))
    if (!event) throw notFound()
    return event
  }

  // The version a review action was taken on; a form without a sound one is a bad request.
  const reviewedVersion = (request: FastifyRequest): number => {
    const form = parseForm(reviewForm, request.body)
    if (!form.ok) throw platformErrors.ERR_BAD_REQUEST()
    return form.data.version
  }

  const showEvent = async (
    request: FastifyRequest,
    reply: FastifyReply,
    event: StaffEvent,
    options: {
      values?: Record<string, string>
      errors?: FieldErrors
      sourceValues?: Record<string, string>
      sourceErrors?: FieldErrors
      notice?: string
      status?: number
    } = {},
  ) => {
    const [terms, verifications, blocker, secondRequired, duplicates, merged] = await Promise.all([
      vocabularies(request),
      listVerifications(db, event.id),
      publishBlocker(db, event),
      secondVerificationRequired(db),
      duplicatesOfEvent(db, event.id),
      mergeNote(db, event),
    ])
    const page = editEventPage(pageContext(request), {
      event,
      values: options.values ?? { ...recordValues(event.record), version: String(event.version) },
      errors: options.errors ?? {},
      sourceValues: options.sourceValues,
      sourceErrors: options.sourceErrors,
      notice: options.notice,
      ...terms,
      review: { verifications, blocker, secondRequired },
      duplicates,
      merged,
    })
    return sendPage(reply, page, options.status ?? 200)
  }

  const backToEvent = (reply: FastifyReply, id: number, done: string, anchor = '') =>
    reply.redirect(`/staff/chronicle/events/${id}?done=${done}${anchor}`, 303)

  app.get('/staff/chronicle', { config: edit }, async (request, reply) => {
    const parsed = parseForm(staffListQuery, request.query)
    const filter = parsed.ok ? parsed.data : {}
    const { rows, nextBefore } = await listStaffEvents(db, filter)
    // The cursor comes from the "older" link, not from a field: a broken one is said above the form.
    const { before, ...errors } = parsed.ok ? {} : parsed.errors
    const page = staffListPage(pageContext(request), {
      rows,
      nextBefore,
      filter: parsed.ok ? filter : typedValues(request.query),
      errors: before ? { ...errors, _form: 'chronicle.staff.errors.cursor' } : errors,
    })
    return sendPage(reply, page, parsed.ok ? 200 : 400)
  })

  app.get('/staff/chronicle/events/new', { config: edit }, async (request, reply) => {
    const page = newEventPage(pageContext(request), {
      values: {},
      errors: {},
      ...(await vocabularies(request)),
    })
    return sendPage(reply, page)
  })

  app.post('/staff/chronicle/events', { config: edit }, async (request, reply) => {
    const form = parseForm(createEventForm, request.body)
    const again = async (errors: FieldErrors) => {
      const values = typedValues(request.body)
      const page = newEventPage(pageContext(request), { values, errors, ...(await vocabularies(request)) })
      return sendPage(reply, page, 400)
    }
    if (!form.ok) return again(form.errors)
    const actorId = actor(request).user.id
    const outcome = await db
      .transaction()
      .execute((trx) => createEvent(trx, { actorId, event: form.data.event, source: form.data.source }))
    if (outcome.kind === 'invalid') return again(outcome.errors)
    if (outcome.kind !== 'saved') throw platformErrors.ERR_INTERNAL()
    return backToEvent(reply, outcome.id, 'created')
  })

  app.get<{ Querystring: { done?: string } }>(
    '/staff/chronicle/events/:id',
    { config: edit },
    async (request, reply) => {
      const event = await findEvent(request)
      const done = String(request.query.done ?? '')
      const notice = notices.has(done) ? request.t(`chronicle.staff.done.${done}`) : undefined
      return showEvent(request, reply, event, { notice })
    },
  )

  app.put('/staff/chronicle/events/:id', { config: edit }, async (request, reply) => {
    const id = eventId(request)
    const form = parseForm(updateEventForm, request.body)
    const values = typedValues(request.body)
    if (!form.ok) {
      const event = await findEvent(request)
      return showEvent(request, reply, event, { values, errors: form.errors, status: 400 })
    }
    const actorId = actor(request).user.id
    const outcome = await db
      .transaction()
      .execute((trx) => updateEvent(trx, { actorId, id, version: form.data.version, event: form.data.event }))
    if (outcome.kind === 'invalid') {
      return showEvent(request, reply, await findEvent(request), {
        values,
        errors: outcome.errors,
        status: 400,
      })
    }
    if (outcome.kind === 'conflict') {
      const page = conflictPage(pageContext(request), {
        current: outcome.current,
        baseVersion: form.data.version,
        changes: outcome.changes,
        mine: inputRecord(form.data.event),
        values,
        ...(await vocabularies(request)),
        terms: (await termIndex(db)).byId.values(),
      })
      return sendPage(reply, page, 409)
    }
    return backToEvent(reply, id, outcome.fields.length ? 'saved' : 'unchanged')
  })

  app.post('/staff/chronicle/events/:id/sources', { config: edit }, async (request, reply) => {
    const id = eventId(request)
    const form = parseForm(sourceForm, request.body)
    if (!form.ok) {
      const event = await findEvent(request)
      const sourceValues = typedValues(request.body)
      return showEvent(request, reply, event, { sourceValues, sourceErrors: form.errors, status: 400 })
    }
    const actorId = actor(request).user.id
    await db.transaction().execute((trx) => addSource(trx, { actorId, eventId: id, source: form.data }))
    return backToEvent(reply, id, 'sourceAdded', '#sources')
  })

  app.delete('/staff/chronicle/events/:id/sources/:sourceId', { config: edit }, async (request, reply) => {
    const { id, sourceId } = parseParams(sourceParams, request.params)
    const actorId = actor(request).user.id
    await db.transaction().execute((trx) => removeSource(trx, { actorId, eventId: id, sourceId }))
    return backToEvent(reply, id, 'sourceRemoved', '#sources')
  })

  app.get('/staff/chronicle/events/:id/history', { config: edit }, async (request, reply) => {
    const event = await findEvent(request)
    const history = await listEventHistory(db, event.id)
    return sendPage(
      reply,
      historyPage(pageContext(request), { event, history, terms: (await termIndex(db)).byId.values() }),
    )
  })

  app.get('/staff/chronicle/events/:id/compare', { config: edit }, async (request, reply) => {
    const event = await findEvent(request)
    const query = compareQuery.safeParse(request.query)
    if (!query.success || query.data.a > event.version || query.data.b > event.version) throw notFound()
    const { a, b } = query.data
    const history = await listEventHistory(db, event.id)
    const changes = compareVersions(event.record, history, a, b)
    return sendPage(
      reply,
      comparePage(pageContext(request), { event, a, b, changes, terms: (await termIndex(db)).byId.values() }),
    )
  })

  app.post('/staff/chronicle/events/:id/verify', { config: review }, async (request, reply) => {
    const id = eventId(request)
    const version = reviewedVersion(request)
    const actorId = actor(request).user.id
    await db.transaction().execute((trx) => verifyEvent(trx, { actorId, eventId: id, version }))
    return backToEvent(reply, id, 'verified', '#review')
  })

  app.post('/staff/chronicle/events/:id/dispute', { config: review }, async (request, reply) => {
    const id = eventId(request)
    const version = reviewedVersion(request)
    const actorId = actor(request).user.id
    await db.transaction().execute((trx) => disputeEvent(trx, { actorId, eventId: id, version }))
    return backToEvent(reply, id, 'disputed', '#review')
  })

  app.post('/staff/chronicle/events/:id/publish', { config: review }, async (request, reply) => {
    const id = eventId(request)
    const version = reviewedVersion(request)
    const actorId = actor(request).user.id
    await db.transaction().execute((trx) => publishEvent(trx, { actorId, eventId: id, version }))
    return backToEvent(reply, id, 'published', '#review')
  })

  app.get('/staff/chronicle/events/:id/unpublish', { config: review }, async (request, reply) => {
    const event = await findEvent(request)
    if (!event.record.published) return backToEvent(reply, event.id, 'unpublished', '#review')
    return sendPage(reply, confirmUnpublishPage(pageContext(request), event))
  })

  app.post('/staff/chronicle/events/:id/unpublish', { config: review }, async (request, reply) => {
    const id = eventId(request)
    const actorId = actor(request).user.id
    await db.transaction().execute((trx) => unpublishEvent(trx, { actorId, eventId: id }))
    return backToEvent(reply, id, 'unpublished', '#review')
  })
}
