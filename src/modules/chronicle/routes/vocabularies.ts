/** Staff routes for the vocabularies: browse terms, propose one (editors), approve or reject (reviewers). */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { AppError, notFound } from '../../../platform/errors.ts'
import type { Locale } from '../../../platform/i18n.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { can } from '../../../platform/policy.ts'
import { actor, pageContext, sendPage } from '../../../platform/request-context.ts'
import { type FieldErrors, parseForm, parseParams } from '../../../platform/validation.ts'
import { decideTerm, proposeTerm, type Reviewer } from '../../../platform/vocabularies/commands.ts'
import { vocabularyErrors } from '../../../platform/vocabularies/errors.ts'
import { findTermById, listProposed, listTerms } from '../../../platform/vocabularies/queries.ts'
import { proposeTermSchema } from '../../../platform/vocabularies/schema.ts'
import { type Term, type Vocabulary, vocabularies } from '../../../platform/vocabularies/terms.ts'
import { confirmRejectPage, vocabulariesPage } from '../pages/vocabularies.ts'
import { EDIT_CHRONICLE, REVIEW_CHRONICLE } from '../policy.ts'

const base = '/staff/chronicle/vocabularies'
// A serial id: anything else in the path is a page that does not exist.
const termParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) })
const notices = {
  proposed: 'proposedNotice',
  approved: 'approvedNotice',
  rejected: 'rejectedNotice',
} as const
const doneQuery = z.object({ done: z.enum(['proposed', 'approved', 'rejected']).optional() }).catch({})

/** Registers the vocabulary pages. */
export function registerVocabularyRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const editors = { policy: { permission: EDIT_CHRONICLE } }
  const reviewers = { policy: { permission: REVIEW_CHRONICLE } }

  const allTerms = async (locale: Locale) => {
    const lists = await Promise.all(vocabularies.map((vocabulary) => listTerms(db, vocabulary, locale)))
    return Object.fromEntries(vocabularies.map((vocabulary, i) => [vocabulary, lists[i]!])) as Record<
      Vocabulary,
      Term[]
    >
  }
  const render = async (
    request: FastifyRequest,
    form: { values: Record<string, unknown>; errors: FieldErrors },
    notice?: string,
  ) =>
    vocabulariesPage(pageContext(request), {
      terms: await allTerms(request.locale),
      proposed: await listProposed(db),
      ...form,
      notice,
    })
  const termFromPath = async (request: FastifyRequest) => {
    const term = await findTermById(db, parseParams(termParams, request.params).id)
    if (!term) throw notFound()
    return term
  }

  app.get(base, { config: editors }, async (request, reply) => {
    const { done } = doneQuery.parse(request.query)
    const notice = done ? request.t(`chronicle.vocabulary.${notices[done]}`) : undefined
    return sendPage(reply, await render(request, { values: {}, errors: {} }, notice))
  })

  app.post(`${base}/terms`, { config: editors }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const form = parseForm(proposeTermSchema, body)
    if (!form.ok) return sendPage(reply, await render(request, { values: body, errors: form.errors }), 400)
    try {
      await proposeTerm(db, form.data, actor(request).user.id)
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'ERR_TERM_EXISTS') throw error
      const errors = { code: 'chronicle.vocabulary.codeTaken' }
      return sendPage(reply, await render(request, { values: body, errors }), 409)
    }
    return reply.redirect(`${base}?done=proposed#queue`, 303)
  })

  app.post(`${base}/terms/:id/approve`, { config: reviewers }, async (request, reply) => {
    const term = await termFromPath(request)
    await decideTerm(db, term.id, 'approve', reviewer(request))
    return reply.redirect(`${base}?done=approved#queue`, 303)
  })

  app.get(`${base}/terms/:id/reject`, { config: reviewers }, async (request, reply) => {
    const term = await termFromPath(request)
    if (term.status !== 'proposed') throw vocabularyErrors.ERR_TERM_DECIDED()
    return sendPage(reply, confirmRejectPage(pageContext(request), term))
  })

  app.post(`${base}/terms/:id/reject`, { config: reviewers }, async (request, reply) => {
    const term = await termFromPath(request)
    await decideTerm(db, term.id, 'reject', reviewer(request))
    return reply.redirect(`${base}?done=rejected#queue`, 303)
  })
}

// The chronicle's vocabularies are decided by holders of REVIEW_CHRONICLE.
function reviewer(request: FastifyRequest): Reviewer {
  const session = actor(request)
  return { id: session.user.id, mayApprove: can(session.roles, REVIEW_CHRONICLE) }
}
