/** People: list, invite, change roles, disable (ending every session and key at once) and enable. */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { disableAccount, enableAccount } from '../../../platform/auth/account-state.ts'
import { notFound } from '../../../platform/errors.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { MANAGE_USERS } from '../../../platform/policy.ts'
import { actor, pageContext, sendPage } from '../../../platform/request-context.ts'
import { parseForm, parseParams } from '../../../platform/validation.ts'
import { inviteMember, issueResetLink } from '../commands/issue-links.ts'
import { setRoles } from '../commands/set-roles.ts'
import { staffErrors } from '../errors.ts'
import { confirmDisablePage, invitedPage, resetLinkPage, userPage, usersPage } from '../pages/users.ts'
import { findUser, listUsers } from '../queries/users.ts'
import { inviteForm, rolesForm, userParams } from '../schema.ts'

/** Registers the people routes. */
export function registerUserRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const config = { policy: { permission: MANAGE_USERS } }

  const target = async (request: FastifyRequest) => {
    const user = await findUser(db, parseParams(userParams, request.params).id)
    if (!user) throw notFound()
    return user
  }

  app.get('/staff/users', { config }, async (request, reply) => {
    const page = usersPage(pageContext(request), { users: await listUsers(db), values: {}, errors: {} })
    return sendPage(reply, page)
  })

  app.post('/staff/invites', { config }, async (request, reply) => {
    const form = parseForm(inviteForm, request.body)
    if (!form.ok) {
      const values = (request.body ?? {}) as Record<string, string>
      const page = usersPage(pageContext(request), {
        users: await listUsers(db),
        values,
        errors: form.errors,
      })
      return sendPage(reply, page, 400)
    }
    const actorId = actor(request).user.id
    const invite = await db.transaction().execute((trx) => inviteMember(trx, { ...form.data, actorId }))
    // The link is shown once, on this response; only its hash is stored.
    const link = `${deps.env.publicUrl}/signup/${invite.token}`
    return sendPage(reply, invitedPage(pageContext(request), { link, roles: form.data.roles }), 201)
  })

  app.get<{ Querystring: { saved?: string } }>('/staff/users/:id', { config }, async (request, reply) => {
    const user = await target(request)
    const self = user.id === actor(request).user.id
    const notice = request.query.saved ? request.t('users.saved') : undefined
    return sendPage(reply, userPage(pageContext(request), { user, self, errors: {}, notice }))
  })

  app.put('/staff/users/:id/roles', { config }, async (request, reply) => {
    const user = await target(request)
    const form = parseForm(rolesForm, request.body)
    const actorId = actor(request).user.id
    if (!form.ok) {
      const page = userPage(pageContext(request), { user, self: user.id === actorId, errors: form.errors })
      return sendPage(reply, page, 400)
    }
    if (user.id === actorId && !form.data.roles.includes('admin')) {
      throw staffErrors.ERR_OWN_ADMIN_ROLE()
    }
    const change = { userId: user.id, actorId, from: user.roles, roles: form.data.roles }
    await db.transaction().execute((trx) => setRoles(trx, change))
    return reply.redirect(`/staff/users/${user.id}?saved=1`, 303)
  })

  app.post('/staff/users/:id/reset-link', { config }, async (request, reply) => {
    const user = await target(request)
    const actorId = actor(request).user.id
    if (user.id === actorId || user.disabled) throw staffErrors.ERR_RESET_NOT_ALLOWED()
    const invite = await db.transaction().execute((trx) => issueResetLink(trx, { userId: user.id, actorId }))
    const link = `${deps.env.publicUrl}/reset/${invite.token}`
    return sendPage(reply, resetLinkPage(pageContext(request), { link, user }), 201)
  })

  app.get('/staff/users/:id/disable', { config }, async (request, reply) => {
    const user = await target(request)
    if (user.id === actor(request).user.id) throw staffErrors.ERR_DISABLE_SELF()
    return sendPage(reply, confirmDisablePage(pageContext(request), user))
  })

  app.post('/staff/users/:id/disable', { config }, async (request, reply) => {
    const user = await target(request)
    const actorId = actor(request).user.id
    if (user.id === actorId) throw staffErrors.ERR_DISABLE_SELF()
    await disableAccount(db, { userId: user.id, actorId })
    return reply.redirect(`/staff/users/${user.id}`, 303)
  })

  app.post('/staff/users/:id/enable', { config }, async (request, reply) => {
    const user = await target(request)
    const actorId = actor(request).user.id
    await enableAccount(db, { userId: user.id, actorId })
    return reply.redirect(`/staff/users/${user.id}`, 303)
  })
}
