/** People: list, invite, change roles, disable (ending every session and key at once) and enable. */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { audit } from '../../platform/audit.ts'
import { disableAccount, enableAccount } from '../../platform/auth/account-state.ts'
import { createInvite } from '../../platform/auth/invites.ts'
import { AppError, notFound } from '../../platform/errors.ts'
import type { ModuleDeps } from '../../platform/module.ts'
import { MANAGE_USERS } from '../../platform/policy.ts'
import { pageContext, sendPage } from '../../platform/request-context.ts'
import { parseForm } from '../../platform/validation.ts'
import { confirmDisablePage, invitedPage, resetLinkPage, userPage, usersPage } from './pages/users.ts'
import { inviteForm, rolesForm, userParams } from './schema.ts'
import { findUser, listUsers } from './users.ts'

/** Registers the people routes. */
export function registerUserRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const config = { policy: { permission: MANAGE_USERS } }

  const target = async (request: FastifyRequest) => {
    const params = userParams.safeParse(request.params)
    const user = params.success ? await findUser(db, params.data.id) : null
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
    const actorId = request.session!.user.id
    const invite = await db.transaction().execute(async (trx) => {
      const created = await createInvite(trx, { kind: 'invite', ...form.data, createdBy: actorId })
      await audit(trx, {
        actorId,
        action: 'invite.created',
        target: created.id,
        detail: { roles: form.data.roles },
      })
      return created
    })
    // The link is shown once, on this response; only its hash is stored.
    const link = `${deps.env.publicUrl}/signup/${invite.token}`
    return sendPage(reply, invitedPage(pageContext(request), { link, roles: form.data.roles }), 201)
  })

  app.get<{ Querystring: { saved?: string } }>('/staff/users/:id', { config }, async (request, reply) => {
    const user = await target(request)
    const self = user.id === request.session!.user.id
    const notice = request.query.saved ? request.t('users.saved') : undefined
    return sendPage(reply, userPage(pageContext(request), { user, self, errors: {}, notice }))
  })

  app.put('/staff/users/:id/roles', { config }, async (request, reply) => {
    const user = await target(request)
    const form = parseForm(rolesForm, request.body)
    const actorId = request.session!.user.id
    if (!form.ok) {
      const page = userPage(pageContext(request), { user, self: user.id === actorId, errors: form.errors })
      return sendPage(reply, page, 400)
    }
    if (user.id === actorId && !form.data.roles.includes('admin')) {
      throw new AppError('ERR_OWN_ADMIN_ROLE', 409)
    }
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('user_roles').where('user_id', '=', user.id).execute()
      if (form.data.roles.length) {
        await trx
          .insertInto('user_roles')
          .values(form.data.roles.map((role) => ({ user_id: user.id, role })))
          .execute()
      }
      await audit(trx, {
        actorId,
        action: 'role.changed',
        target: user.id,
        detail: { from: user.roles, to: form.data.roles },
      })
    })
    return reply.redirect(`/staff/users/${user.id}?saved=1`, 303)
  })

  app.post('/staff/users/:id/reset-link', { config }, async (request, reply) => {
    const user = await target(request)
    const actorId = request.session!.user.id
    if (user.id === actorId || user.disabled) throw new AppError('ERR_RESET_NOT_ALLOWED', 409)
    const invite = await db.transaction().execute(async (trx) => {
      const created = await createInvite(trx, {
        kind: 'reset',
        roles: [],
        userId: user.id,
        createdBy: actorId,
      })
      await audit(trx, { actorId, action: 'account.reset_link_created', target: user.id })
      return created
    })
    const link = `${deps.env.publicUrl}/reset/${invite.token}`
    return sendPage(reply, resetLinkPage(pageContext(request), { link, user }), 201)
  })

  app.get('/staff/users/:id/disable', { config }, async (request, reply) => {
    const user = await target(request)
    if (user.id === request.session!.user.id) throw new AppError('ERR_DISABLE_SELF', 409)
    return sendPage(reply, confirmDisablePage(pageContext(request), user))
  })

  app.post('/staff/users/:id/disable', { config }, async (request, reply) => {
    const user = await target(request)
    const actorId = request.session!.user.id
    if (user.id === actorId) throw new AppError('ERR_DISABLE_SELF', 409)
    await disableAccount(db, { userId: user.id, actorId })
    return reply.redirect(`/staff/users/${user.id}`, 303)
  })

  app.post('/staff/users/:id/enable', { config }, async (request, reply) => {
    const user = await target(request)
    const actorId = request.session!.user.id
    await enableAccount(db, { userId: user.id, actorId })
    return reply.redirect(`/staff/users/${user.id}`, 303)
  })
}
