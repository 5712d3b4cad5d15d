/** /reset/:token: a member who forgot their password sets a new one (and gets a new key pair). */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { audit } from '../audit.ts'
import { newKeyPair } from '../crypto/primitives.ts'
import { serverKeyOf } from '../crypto/server-key.ts'
import { linkExpired } from '../errors.ts'
import type { ModuleDeps } from '../module.ts'
import { needsSecondFactor } from '../policy.ts'
import { pageContext, sendPage } from '../request-context.ts'
import { parseForm } from '../validation.ts'
import { accountById, rolesOf } from './account-queries.ts'
import { resetAccount } from './accounts.ts'
import { consumeInvite, findInvite } from './invites.ts'
import { resetPage } from './pages/forms.ts'
import { makeMaterial } from './password-material.ts'
import { resetForm } from './schema.ts'
import { setSessionCookie } from './session-cookie.ts'
import { startSession } from './sessions.ts'

/** Registers the reset link's page and form. */
export function registerResetRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const config = { policy: 'public' as const, rateLimit: { max: 20, timeWindow: '1 minute' } }

  const load = async (request: FastifyRequest<{ Params: { token: string } }>) => {
    const invite = await findInvite(db, 'reset', request.params.token)
    const user = invite?.user_id ? await accountById(db, invite.user_id) : undefined
    if (!invite || !user || user.disabled_at) throw linkExpired()
    return { invite, user }
  }

  app.get<{ Params: { token: string } }>('/reset/:token', { config }, async (request, reply) => {
    const { user } = await load(request)
    const action = `/reset/${request.params.token}`
    return sendPage(reply, resetPage(pageContext(request), { action, email: user.email, errors: {} }))
  })

  app.post<{ Params: { token: string } }>('/reset/:token', { config }, async (request, reply) => {
    const { invite, user } = await load(request)
    const form = parseForm(resetForm, request.body)
    if (!form.ok) {
      const page = resetPage(pageContext(request), {
        action: `/reset/${request.params.token}`,
        email: user.email,
        errors: form.errors,
      })
      return sendPage(reply, page, 400)
    }
    const keyPair = newKeyPair()
    const material = await makeMaterial(serverKeyOf(db), {
      userId: user.id,
      password: form.data.password,
      keyPair,
    })
    const roles = await db.transaction().execute(async (trx) => {
      if (!(await consumeInvite(trx, invite.id))) throw linkExpired()
      await resetAccount(trx, user.id, keyPair, material)
      await audit(trx, {
        actorId: user.id,
        action: 'account.reset',
        target: user.id,
        detail: { link: invite.id },
      })
      return rolesOf(trx, user.id)
    })
    const stage = needsSecondFactor(roles) ? 'enrol' : 'full'
    setSessionCookie(
      deps,
      reply,
      await startSession(db, user.id, stage, { privateKey: keyPair.privateKey.toString('base64') }),
    )
    return reply.redirect(stage === 'enrol' ? '/account/totp' : '/staff', 303)
  })
}
