/** The desk's texts under /staff/helpdesk/texts (admins and coordinators): list, edit, history. */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { notFound } from '../../../platform/errors.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { actor, pageContext, sendPage } from '../../../platform/request-context.ts'
import { saveText } from '../../../platform/texts/save-text.ts'
import { textFormSchema } from '../../../platform/texts/schema.ts'
import { findText, textChangesSince, textHistory, textRecord } from '../../../platform/texts/texts.ts'
import { parseForm, parseParams } from '../../../platform/validation.ts'
import { textConflictPage, textEditPage, textHistoryPage, textsBase, textsListPage } from '../pages/texts.ts'
import { MANAGE_HELPDESK } from '../policy.ts'
import { deskTextKey, deskTextParams, listDeskTexts } from '../queries/guides.ts'

// What the list was sent back after.
const listQuery = z.object({ saved: z.enum(deskTextParams.shape.name.options).optional() }).catch({})

/** Registers the desk texts' editor. */
export function registerHelpdeskTextRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const managers = { policy: { permission: MANAGE_HELPDESK } }

  const textFromPath = async (request: FastifyRequest) => {
    const { name } = parseParams(deskTextParams, request.params)
    const text = await findText(db, deskTextKey(name))
    if (!text) throw notFound()
    return { name, text }
  }

  app.get(textsBase, { config: managers }, async (request, reply) => {
    const { saved } = listQuery.parse(request.query ?? {})
    const notice =
      saved && request.t('helpdesk.texts.saved', { name: request.t(`helpdesk.texts.names.${saved}`) })
    return sendPage(reply, textsListPage(pageContext(request), { texts: await listDeskTexts(db), notice }))
  })

  app.get(`${textsBase}/:name`, { config: managers }, async (request, reply) => {
    const { name, text } = await textFromPath(request)
    return sendPage(
      reply,
      textEditPage(pageContext(request), {
        name,
        text,
        version: text.version,
        values: textRecord(text),
        errors: {},
      }),
    )
  })

  app.post(`${textsBase}/:name`, { config: managers }, async (request, reply) => {
    const { name, text } = await textFromPath(request)
    const values = (request.body ?? {}) as Record<string, unknown>
    const form = parseForm(textFormSchema, values)
    if (!form.ok) {
      // The version the editor opened stays in the form, so a later save still sees a save in between.
      const sent = typeof values.version === 'string' && /^\d{1,10}$/.test(values.version)
      const version = sent ? Number(values.version) : text.version
      const page = textEditPage(pageContext(request), { name, text, version, values, errors: form.errors })
      return sendPage(reply, page, 400)
    }
    const { version: baseVersion, ...record } = form.data
    const saved = await saveText(db, { key: text.key, baseVersion, record, actorId: actor(request).user.id })
    if (saved.outcome === 'not-found') throw notFound()
    if (saved.outcome === 'conflict') {
      const changes = textChangesSince(await textHistory(db, text.key), baseVersion)
      const page = textConflictPage(pageContext(request), {
        name,
        current: saved.current,
        baseVersion,
        changes,
        values,
      })
      return sendPage(reply, page, 409)
    }
    return reply.redirect(`${textsBase}?saved=${name}`, 303)
  })

  app.get(`${textsBase}/:name/history`, { config: managers }, async (request, reply) => {
    const { name, text } = await textFromPath(request)
    return sendPage(
      reply,
      textHistoryPage(pageContext(request), { name, history: await textHistory(db, text.key) }),
    )
  })
}
