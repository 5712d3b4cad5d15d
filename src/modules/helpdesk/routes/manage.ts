/**
 * Setting up help desks under /staff/helpdesk/desks (admins and coordinators): open a desk, set its
 * regions and retention, add and remove members, and give a member access to reports sealed before
 * they joined (only a member who can read them can: the server holds no key that could).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { latestRotation } from '../../../platform/crypto/desk-rotation.ts'
import { regrantDesk, removeDeskMember, SealedError } from '../../../platform/crypto/sealed-records.ts'
import { notFound } from '../../../platform/errors.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { regionOptions as approvedRegions, knownRegionIds } from '../../../platform/regions/regions.ts'
import { actor, pageContext, sendPage } from '../../../platform/request-context.ts'
import { parseForm, parseParams } from '../../../platform/validation.ts'
import { addWorker } from '../commands/add-worker.ts'
import { openHelpdesk } from '../commands/open-helpdesk.ts'
import { updateHelpdesk } from '../commands/update-helpdesk.ts'
import { errors } from '../errors.ts'
import { deskBase } from '../pages/desk.ts'
import { confirmRemovePage, deskPage, desksPage, type FormState } from '../pages/manage.ts'
import { rotationSection } from '../pages/rotation.ts'
import { MANAGE_HELPDESK, ROTATE_HELPDESK } from '../policy.ts'
import {
  findHelpdesk,
  helpdeskMembers,
  listHelpdesks,
  memberCandidates,
  slugTaken,
} from '../queries/desks.ts'
import {
  deskParams,
  deskQuery,
  memberParams,
  memberSchema,
  openDeskSchema,
  settingsSchema,
} from '../schema.ts'
import { keyHolder } from './key-holder.ts'

const base = `${deskBase}/desks`

/** Registers the desk set-up pages. */
export function registerHelpdeskManageRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const managers = { policy: { permission: MANAGE_HELPDESK } }

  const regionOptions = (request: FastifyRequest) => approvedRegions(db, request.locale, 'id')
  // Only region ids that are terms of the region vocabulary are kept.
  const knownRegions = async (ids: number[]) => {
    const known = await knownRegionIds(db, ids)
    return known ? { ok: true as const, ids: known } : { ok: false as const }
  }
  const deskFromPath = async (request: FastifyRequest) => {
    const desk = await findHelpdesk(db, parseParams(deskParams, request.params).id)
    if (!desk) throw notFound()
    return desk
  }

  const renderList = async (request: FastifyRequest, form: FormState) =>
    desksPage(pageContext(request), {
      desks: await listHelpdesks(db),
      regions: await regionOptions(request),
      form,
    })

  app.get(base, { config: managers }, async (request, reply) =>
    sendPage(reply, await renderList(request, { values: { retentionDays: '90' }, errors: {} })),
  )

  app.post(base, { config: managers }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const form = parseForm(openDeskSchema, body)
    if (!form.ok)
      return sendPage(reply, await renderList(request, { values: body, errors: form.errors }), 400)
    const regions = await knownRegions(form.data.regions)
    if (!regions.ok)
      return sendPage(
        reply,
        await renderList(request, { values: body, errors: { regions: 'helpdesk.manage.badRegions' } }),
        400,
      )
    if (await slugTaken(db, form.data.slug))
      return sendPage(
        reply,
        await renderList(request, { values: body, errors: { slug: 'helpdesk.manage.slugTaken' } }),
        409,
      )
    const id = await openHelpdesk(db, {
      ...form.data,
      regionIds: regions.ids,
      actorId: actor(request).user.id,
    })
    return reply.redirect(`${base}/${id}?done=opened`, 303)
  })

  const renderDesk = async (
    request: FastifyRequest,
    forms: { settings?: FormState; member?: FormState } = {},
  ) => {
    const desk = await deskFromPath(request)
    const ctx = pageContext(request)
    const [members, candidates, regions, latest] = await Promise.all([
      helpdeskMembers(db, desk.id),
      memberCandidates(db, desk.id),
      regionOptions(request),
      ctx.staff?.can(ROTATE_HELPDESK) ? latestRotation(db, desk.id) : undefined,
    ])
    const { done, count } = deskQuery.parse(request.query ?? {})
    return deskPage(ctx, {
      desk,
      members,
      candidates: [
        { value: '', label: request.t('helpdesk.manage.chooseMemberOption') },
        ...candidates.map((user) => ({ value: user.id, label: `${user.display_name} <${user.email}>` })),
      ],
      regions,
      regionNames: new Map(regions.map((region) => [Number(region.value), region.label])),
      settings: forms.settings ?? {
        values: {
          takesRest: desk.takesRest ? 'yes' : '',
          retentionDays: String(desk.retentionDays),
          regions: desk.regionIds.map(String),
        },
        errors: {},
      },
      member: forms.member ?? { values: {}, errors: {} },
      viewerIsMember: members.some((member) => member.id === actor(request).user.id),
      notice: done ? request.t(`helpdesk.manage.done.${done}`, { count: count ?? 0 }) : undefined,
      rotation: latest === undefined ? undefined : rotationSection(ctx, desk.id, latest),
    })
  }

  app.get(`${base}/:id`, { config: managers }, async (request, reply) =>
    sendPage(reply, await renderDesk(request)),
  )

  app.post(`${base}/:id/settings`, { config: managers }, async (request, reply) => {
    const desk = await deskFromPath(request)
    const body = (request.body ?? {}) as Record<string, unknown>
    const form = parseForm(settingsSchema, body)
    if (!form.ok)
      return sendPage(
        reply,
        await renderDesk(request, { settings: { values: body, errors: form.errors } }),
        400,
      )
    const regions = await knownRegions(form.data.regions)
    if (!regions.ok) {
      const errors = { regions: 'helpdesk.manage.badRegions' }
      return sendPage(reply, await renderDesk(request, { settings: { values: body, errors } }), 400)
    }
    await updateHelpdesk(db, {
      deskId: desk.id,
      actorId: actor(request).user.id,
      ...form.data,
      regionIds: regions.ids,
    })
    return reply.redirect(`${base}/${desk.id}?done=saved`, 303)
  })

  app.post(`${base}/:id/members`, { config: managers }, async (request, reply) => {
    const desk = await deskFromPath(request)
    const body = (request.body ?? {}) as Record<string, unknown>
    const form = parseForm(memberSchema, body)
    const fail = (errors: Record<string, string>) =>
      renderDesk(request, { member: { values: body, errors } }).then((page) => sendPage(reply, page, 400))
    if (!form.ok) return fail(form.errors)
    const candidate = (await memberCandidates(db, desk.id)).find((user) => user.id === form.data.user)
    if (!candidate) return fail({ user: 'helpdesk.manage.chooseMember' })
    const regions = await knownRegions(form.data.regions)
    if (!regions.ok) return fail({ regions: 'helpdesk.manage.badRegions' })
    const specialties = form.data.specialties
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)
      .slice(0, 20)
    await addWorker(db, {
      deskId: desk.id,
      userId: candidate.id,
      actorId: actor(request).user.id,
      regionIds: regions.ids,
      specialties,
    })
    return reply.redirect(`${base}/${desk.id}?done=added`, 303)
  })

  const memberFromPath = async (request: FastifyRequest) => {
    const desk = await deskFromPath(request)
    const { userId } = parseParams(memberParams, request.params)
    const member = (await helpdeskMembers(db, desk.id)).find((row) => row.id === userId)
    if (!member) throw notFound()
    return { desk, member }
  }

  app.get(`${base}/:id/members/:userId/remove`, { config: managers }, async (request, reply) => {
    const { desk, member } = await memberFromPath(request)
    return sendPage(reply, confirmRemovePage(pageContext(request), desk, member))
  })

  app.post(`${base}/:id/members/:userId/remove`, { config: managers }, async (request, reply) => {
    const { desk, member } = await memberFromPath(request)
    await removeDeskMember(db, { deskId: desk.id, userId: member.id, actorId: actor(request).user.id })
    return reply.redirect(`${base}/${desk.id}?done=removed`, 303)
  })

  app.post(`${base}/:id/members/:userId/regrant`, { config: managers }, async (request, reply) => {
    const { desk, member } = await memberFromPath(request)
    // A disabled account lost its keys on purpose; it gets them back only once enabled again.
    if (member.disabled) throw errors.ERR_GRANTEE_DISABLED()
    try {
      const count = await regrantDesk(db, {
        deskId: desk.id,
        granter: keyHolder(request),
        granteeId: member.id,
      })
      return reply.redirect(`${base}/${desk.id}?done=regranted&count=${count}`, 303)
    } catch (error) {
      // Only a member holds keys to pass on.
      if (error instanceof SealedError && error.code === 'ERR_NOT_DESK_MEMBER') throw notFound()
      throw error
    }
  })
}
