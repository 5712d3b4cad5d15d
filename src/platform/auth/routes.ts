/**
 * Signing in and out: first-run setup, invited sign-up, password then TOTP, enrolment, one's own
 * account. Every step works as plain forms without JavaScript.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit } from '../audit.ts'
import { serverKeyOf } from '../crypto/server-key.ts'
import { linkExpired } from '../errors.ts'
import type { ModuleDeps } from '../module.ts'
import { needsSecondFactor } from '../policy.ts'
import { pageContext, sendPage } from '../request-context.ts'
import { parseForm } from '../validation.ts'
import { registerAccountRoutes } from './account-routes.ts'
import { hasAnyAccount, insertAccount, prepareAccount } from './accounts.ts'
import { consumeInvite, findInvite } from './invites.ts'
import { registerLoginRoutes } from './login-routes.ts'
import { accountPage } from './pages/forms.ts'
import { registerPasskeyRoutes } from './passkey-routes.ts'
import { registerResetRoutes } from './reset-routes.ts'
import { accountForm } from './schema.ts'
import { sessionCookieName, startSession } from './sessions.ts'

/** Whether cookies are Secure (and `__Host-` prefixed): when the public address is https. */
export function secureCookies(deps: ModuleDeps): boolean {
  return deps.env.publicUrl.startsWith('https://')
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure and `__Host-` behind https. */
export function setSessionCookie(deps: ModuleDeps, reply: FastifyReply, value: string) {
  reply.setCookie(sessionCookieName(secureCookies(deps)), value, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: secureCookies(deps),
  })
}

/** Removes the session cookie (a `__Host-` cookie is removed only by a Secure, path / Set-Cookie). */
export function clearSessionCookie(deps: ModuleDeps, reply: FastifyReply) {
  reply.clearCookie(sessionCookieName(secureCookies(deps)), { path: '/', secure: secureCookies(deps) })
}

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
    const created = await db.transaction().execute(async (trx) => {
      if (
        await trx.selectFrom('users').select('id').where('email', '=', form.data.email).executeTakeFirst()
      ) {
        return null
      }
      if (!(await consumeInvite(trx, invite.id))) throw linkExpired()
      if (kind === 'setup') {
        // The setup link creates the first account only; any other setup link dies with it.
        if ((await trx.selectFrom('users').select('id').limit(1).execute()).length) throw linkExpired()
        await trx
          .updateTable('invites')
          .set({ used_at: new Date() })
          .where('kind', '=', 'setup')
          .where('used_at', 'is', null)
          .execute()
      }
      const account = await insertAccount(trx, prepared)
      await audit(trx, {
        actorId: account.id,
        action: kind === 'setup' ? 'account.setup' : 'account.signup',
        target: account.id,
        detail: { roles, invite: invite.id },
      })
      return account
    })
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
