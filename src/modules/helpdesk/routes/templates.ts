/** The reply templates' editor under /staff/helpdesk/templates (admins and coordinators). */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { notFound } from '../../../platform/errors.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { actor, pageContext, sendPage } from '../../../platform/request-context.ts'
import { parseForm, parseParams } from '../../../platform/validation.ts'
import { addTemplate } from '../commands/add-template.ts'
import { deleteTemplate } from '../commands/delete-template.ts'
import { saveTemplate } from '../commands/save-template.ts'
import {
  confirmDeletePage,
  type TemplateFormState,
  templatePage,
  templatesBase,
  templatesPage,
  templateValues,
} from '../pages/templates.ts'
import { MANAGE_HELPDESK } from '../policy.ts'
import { findTemplate, listTemplates } from '../queries/templates.ts'
import { templateParams, templateSchema, templatesQuery } from '../schema.ts'

const empty: TemplateFormState = { values: {}, errors: {} }

/** Registers the template editor. */
export function registerHelpdeskTemplateRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const managers = { policy: { permission: MANAGE_HELPDESK } }

  const templateFromPath = async (request: FastifyRequest) => {
    const template = await findTemplate(db, parseParams(templateParams, request.params).id)
    if (!template) throw notFound()
    return template
  }
  const listPage = async (request: FastifyRequest, form: TemplateFormState, notice?: string) =>
    templatesPage(pageContext(request), { templates: await listTemplates(db), form, notice })

  app.get(templatesBase, { config: managers }, async (request, reply) => {
    const { done } = templatesQuery.parse(request.query ?? {})
    return sendPage(
      reply,
      await listPage(request, empty, done && request.t(`helpdesk.templates.done.${done}`)),
    )
  })

  app.post(templatesBase, { config: managers }, async (request, reply) => {
    const values = (request.body ?? {}) as Record<string, unknown>
    const form = parseForm(templateSchema, values)
    if (!form.ok) return sendPage(reply, await listPage(request, { values, errors: form.errors }), 400)
    if (!(await addTemplate(db, form.data, actor(request).user.id)))
      return sendPage(
        reply,
        await listPage(request, { values, errors: { code: 'helpdesk.templates.codeTaken' } }),
        400,
      )
    return reply.redirect(`${templatesBase}?done=added`, 303)
  })

  app.get(`${templatesBase}/:id`, { config: managers }, async (request, reply) => {
    const template = await templateFromPath(request)
    return sendPage(
      reply,
      templatePage(pageContext(request), {
        template,
        form: { values: templateValues(template), errors: {} },
      }),
    )
  })

  app.post(`${templatesBase}/:id`, { config: managers }, async (request, reply) => {
    const template = await templateFromPath(request)
    const values = (request.body ?? {}) as Record<string, unknown>
    const fail = (errors: Record<string, string>) =>
      sendPage(reply, templatePage(pageContext(request), { template, form: { values, errors } }), 400)
    const form = parseForm(templateSchema, values)
    if (!form.ok) return fail(form.errors)
    if (!(await saveTemplate(db, template.id, form.data, actor(request).user.id)))
      return fail({ code: 'helpdesk.templates.codeTaken' })
    return reply.redirect(`${templatesBase}?done=saved`, 303)
  })

  app.get(`${templatesBase}/:id/delete`, { config: managers }, async (request, reply) =>
    sendPage(reply, confirmDeletePage(pageContext(request), await templateFromPath(request))),
  )

  app.post(`${templatesBase}/:id/delete`, { config: managers }, async (request, reply) => {
    const template = await templateFromPath(request)
    await deleteTemplate(db, template.id, actor(request).user.id)
    return reply.redirect(`${templatesBase}?done=deleted`, 303)
  })
}
