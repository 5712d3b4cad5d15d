/**
 * Likely duplicates and merging, on staff pages: an event's duplicates (editors), the confirmation
 * and the merge itself, and its undo (reviewers: a merge changes what the public sees). Plain forms,
 * Post/Redirect/Get.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { notFound, platformErrors } from '../../../platform/errors.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { actor, pageContext, sendPage } from '../../../platform/request-context.ts'
import { parseForm, parseParams } from '../../../platform/validation.ts'
import { mergeEvents, undoMerge } from '../commands/merge-events.ts'
import { confirmMergePage, duplicatesPage } from '../pages/staff-merge.ts'
import { EDIT_CHRONICLE, REVIEW_CHRONICLE } from '../policy.ts'
import { duplicatesOfEvent } from '../queries/duplicates.ts'
import { loadEvent, type StaffEvent } from '../queries/event-record.ts'
import { staffEventParams } from '../schema/events.ts'
import { mergeForm, mergeQuery } from '../schema/merge.ts'

/** Registers the duplicates and merge pages. */
export function registerMergeRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const edit = { policy: { permission: EDIT_CHRONICLE } }
  const review = { policy: { permission: REVIEW_CHRONICLE } }

  const eventId = (request: FastifyRequest): number => parseParams(staffEventParams, request.params).id
  const find = async (id: number): Promise<StaffEvent> => {
    const event = await loadEvent(db, id)
    if (!event) throw notFound()
    return event
  }

  app.get('/staff/chronicle/events/:id/duplicates', { config: edit }, async (request, reply) => {
    const event = await find(eventId(request))
    const candidates = await duplicatesOfEvent(db, event.id)
    return sendPage(reply, duplicatesPage(pageContext(request), event, candidates))
  })

  app.get('/staff/chronicle/events/:id/merge', { config: review }, async (request, reply) => {
    const survivor = await find(eventId(request))
    const query = mergeQuery.safeParse(request.query)
    if (!query.success) throw platformErrors.ERR_BAD_REQUEST()
    const merged = await find(query.data.from)
    return sendPage(reply, confirmMergePage(pageContext(request), survivor, merged))
  })

  app.post('/staff/chronicle/events/:id/merge', { config: review }, async (request, reply) => {
    const survivorId = eventId(request)
    const form = parseForm(mergeForm, request.body)
    if (!form.ok) throw platformErrors.ERR_BAD_REQUEST()
    const actorId = actor(request).user.id
    await db.transaction().execute((trx) =>
      mergeEvents(trx, {
        actorId,
        survivorId,
        mergedId: form.data.from,
        survivorVersion: form.data.version,
        mergedVersion: form.data.from_version,
      }),
    )
    return reply.redirect(`/staff/chronicle/events/${survivorId}?done=merged`, 303)
  })

  app.post('/staff/chronicle/events/:id/unmerge', { config: review }, async (request, reply) => {
    const { id } = await find(eventId(request))
    const actorId = actor(request).user.id
    await db.transaction().execute((trx) => undoMerge(trx, { actorId, mergedId: id }))
    return reply.redirect(`/staff/chronicle/events/${id}?done=mergeUndone`, 303)
  })
}
