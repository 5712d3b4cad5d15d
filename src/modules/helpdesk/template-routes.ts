/** The reply templates' editor under /staff/helpdesk/templates (admins and coordinators). */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { notFound } from '../../platform/errors.ts'
import type { ModuleDeps } from '../../platform/module.ts'
import { pageContext, sendPage } from '../../platform/request-context.ts'
import { parseForm } from '../../platform/validation.ts'
import {
  confirmDeletePage,
  type TemplateFormState,
  templatePage,
  templatesBase,
  templatesPage,
  templateValues,
} from './pages/templates.ts'
import { MANAGE_HELPDESK } from './policy.ts'
import {
  addTemplate,
  deleteTemplate,
  findTemplate,
  listTemplates,
  saveTemplate,
  templateSchema,
} from './templates.ts'

const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) })
const doneQuery = z.object({ done: z.enum(['added', 'saved', 'deleted']).optional() }).catch({})
const empty: TemplateFormState = { values: {}, errors: {} }

/** Registers the template editor. */
export function registerHelpdeskTemplateRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const managers = { policy: { permission: MANAGE_HELPDESK } }

  const templateFromPath = async (request: FastifyRequest) => {
    const params = idParams.safeParse(request.params)
    const template = params.success ? await findTemplate(db, params.data.id) : undefined
    if (!template) throw notFound()
    return template
  }
  const listPage = async (request: FastifyRequest, form: TemplateFormState, notice?: string) =>
    templatesPage(pageContext(request), { templates: await listTemplates(db), form, notice })

  app.get(templatesBase, { config: managers }, async (request, reply) => {
    const { done } = doneQuery.parse(request.query ?? {})
    return sendPage(
      reply,
      await listPage(request, empty, done && request.t(`helpdesk.templates.done.${done}`)),
    )
  })

  app.post(templatesBase, { config: managers }, async (request, reply) => {
    const values = (request.body ?? {}) as Record<string, unknown>
    const form = parseForm(templateSchema, values)
    if (!form.ok) return sendPage(reply, await listPage(request, { values, errors: form.errors }), 400)
    if (!(await addTemplate(db, form.data, request.session!.user.id)))
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
    if (!(await saveTemplate(db, template.id, form.data, request.session!.user.id)))
      return fail({ code: 'helpdesk.templates.codeTaken' })
    return reply.redirect(`${templatesBase}?done=saved`, 303)
  })

  app.get(`${templatesBase}/:id/delete`, { config: managers }, async (request, reply) =>
    sendPage(reply, confirmDeletePage(pageContext(request), await templateFromPath(request))),
  )

  app.post(`${templatesBase}/:id/delete`, { config: managers }, async (request, reply) => {
    const template = await templateFromPath(request)
    await deleteTemplate(db, template.id, request.session!.user.id)
    return reply.redirect(`${templatesBase}?done=deleted`, 303)
  })
}
