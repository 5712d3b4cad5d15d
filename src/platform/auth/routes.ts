/**
 * Signing in and out: first-run setup, invited sign-up, password then TOTP, enrolment, one's own
 * account. Every step works as plain forms without JavaScript.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { serverKeyOf } from '../crypto/server-key.ts'
import { linkExpired } from '../errors.ts'
import type { ModuleDeps } from '../module.ts'
import { needsSecondFactor } from '../policy.ts'
import { pageContext, sendPage } from '../request-context.ts'
import { parseForm } from '../validation.ts'
import { registerAccountRoutes } from './account-routes.ts'
import { hasAnyAccount, prepareAccount } from './accounts.ts'
import { createInvitedAccount } from './invited-account.ts'
import { findInvite } from './invites.ts'
import { registerLoginRoutes } from './login-routes.ts'
import { accountPage } from './pages/forms.ts'
import { registerPasskeyRoutes } from './passkey-routes.ts'
import { registerResetRoutes } from './reset-routes.ts'
import { accountForm } from './schema.ts'
import { setSessionCookie } from './session-cookie.ts'
import { startSession } from './sessions.ts'

/** Registers every sign-in route. */
export function registerAuth(app: FastifyInstance, deps: ModuleDeps) {
  registerInviteRoutes(app, deps, 'setup')
  registerInviteRoutes(app, deps, 'signup')
  registerLoginRoutes(app, deps)
  registerAccountRoutes(app, deps)
  registerPasskeyRoutes(app, deps)
  registerResetRoutes(app, deps)
}

// The setup link creates the first admin; an invitation creates staff with the roles it names.
function registerInviteRoutes(app: FastifyInstance, deps: ModuleDeps, kind: 'setup' | 'signup') {
  const { db } = deps.store
  const inviteKind = kind === 'setup' ? 'setup' : 'invite'
  const limit = { config: { policy: 'public' as const, rateLimit: { max: 20, timeWindow: '1 minute' } } }

  const load = async (request: FastifyRequest<{ Params: { token: string } }>) => {
    const invite = await findInvite(db, inviteKind, request.params.token)
    if (!invite || (kind === 'setup' && (await hasAnyAccount(db)))) throw linkExpired()
    return invite
  }

  app.get<{ Params: { token: string } }>(`/${kind}/:token`, limit, async (request, reply) => {
    const invite = await load(request)
    const page = accountPage(pageContext(request), {
      kind,
      action: `/${kind}/${request.params.token}`,
      values: { email: invite.email ?? '' },
      errors: {},
    })
    return sendPage(reply, page)
  })

  app.post<{ Params: { token: string } }>(`/${kind}/:token`, limit, async (request, reply) => {
    const invite = await load(request)
    const form = parseForm(accountForm, request.body)
    const values = (request.body ?? {}) as Record<string, string>
    const action = `/${kind}/${request.params.token}`
    if (!form.ok) {
      const page = accountPage(pageContext(request), { kind, action, values, errors: form.errors })
      return sendPage(reply, page, 400)
    }
    const roles = [...new Set(kind === 'setup' ? ['admin'] : invite.roles)]
    const prepared = await prepareAccount(serverKeyOf(db), { ...form.data, roles })
    const created = await db
      .transaction()
      .execute((trx) =>
        createInvitedAccount(trx, { kind: inviteKind, inviteId: invite.id, account: prepared }),
      )
    if (!created) {
      const errors = { email: 'validation.emailTaken' }
      return sendPage(reply, accountPage(pageContext(request), { kind, action, values, errors }), 400)
    }
    const stage = needsSecondFactor(roles) ? 'enrol' : 'full'
    const cookie = await startSession(db, created.id, stage, {
      privateKey: created.keyPair.privateKey.toString('base64'),
    })
    setSessionCookie(deps, reply, cookie)
    return reply.redirect(stage === 'enrol' ? '/account/totp' : '/staff', 303)
  })
}
