/** Password, then TOTP (or a recovery code), then out. */
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app.ts'
import { audit } from '../audit.ts'
import { tooMany } from '../errors.ts'
import { needsSecondFactor } from '../policy.ts'
import { pageContext, sendPage } from '../request-context.ts'
import { parseForm } from '../validation.ts'
import { unlockAccount } from './accounts.ts'
import { loginPage, totpPage } from './pages/forms.ts'
import { hasPasskey, relyingParty } from './passkeys.ts'
import { setSessionCookie } from './routes.ts'
import { codeForm, loginForm, nextPath } from './schema.ts'
import { endSession, SESSION_COOKIE, startSession, updateSession } from './sessions.ts'
import { clearFailures, isThrottled, recordFailure, subjectsFor } from './throttle.ts'
import { checkTotp, useRecoveryCode } from './totp.ts'

/** Registers /login, /login/totp and /logout. */
export function registerLoginRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.store
  const config = { policy: 'public' as const, rateLimit: { max: 30, timeWindow: '1 minute' } }

  app.get<{ Querystring: { next?: string; signedOut?: string } }>(
    '/login',
    { config },
    async (request, reply) => {
      if (request.session?.stage === 'full') return reply.redirect('/staff', 303)
      const next = nextPath.parse(request.query.next)
      const notice = request.query.signedOut ? request.t('login.signedOut') : undefined
      return sendPage(reply, loginPage(pageContext(request), { next, errors: {}, notice }))
    },
  )

  app.post('/login', { config }, async (request, reply) => {
    const ctx = pageContext(request)
    const form = parseForm(loginForm, request.body)
    const body = (request.body ?? {}) as Record<string, unknown>
    const email = typeof body.email === 'string' ? body.email.slice(0, 254) : ''
    const next = nextPath.parse(typeof body.next === 'string' ? body.next : undefined)
    if (!form.ok) return sendPage(reply, loginPage(ctx, { next, email, errors: form.errors }), 400)
    const subjects = await subjectsFor(db, form.data.email, request.ip)
    if (await isThrottled(db, subjects)) {
      await audit(db, { actorId: null, action: 'signin.throttled', target: form.data.email.toLowerCase() })
      throw tooMany()
    }
    const user = await unlockAccount(db, form.data.email, form.data.password)
    if (!user || user.disabled) {
      await recordFailure(db, subjects)
      await audit(db, {
        actorId: user?.id ?? null,
        action: 'signin.failed',
        target: form.data.email.toLowerCase(),
      })
      const errors = { _form: 'login.wrong' }
      return sendPage(reply, loginPage(ctx, { next, email, errors }), 401)
    }
    await clearFailures(db, subjects)
    if (request.session) await endSession(db, request.session.id)
    const stage = user.totpSecret ? 'second-factor' : needsSecondFactor(user.roles) ? 'enrol' : 'full'
    const secrets = {
      privateKey: user.keyPair.privateKey.toString('base64'),
      ...(user.totpSecret ? { totpSecret: user.totpSecret } : {}),
    }
    setSessionCookie(deps, reply, await startSession(db, user.id, stage, secrets))
    if (stage === 'full') await audit(db, { actorId: user.id, action: 'signin.success', target: user.id })
    const target =
      stage === 'second-factor'
        ? `/login/totp?next=${encodeURIComponent(next)}`
        : stage === 'enrol'
          ? '/account/totp'
          : next
    return reply.redirect(target, 303)
  })

  app.get<{ Querystring: { next?: string } }>(
    '/login/totp',
    { config: { ...config, policy: 'session' } },
    async (request, reply) => {
      if (request.session?.stage !== 'second-factor') return reply.redirect('/staff', 303)
      const next = nextPath.parse(request.query.next)
      const passkey = !!relyingParty(deps.env.publicUrl) && (await hasPasskey(db, request.session.user.id))
      return sendPage(reply, totpPage(pageContext(request), { next, errors: {}, passkey }))
    },
  )

  app.post('/login/totp', { config: { ...config, policy: 'session' } }, async (request, reply) => {
    const session = request.session!
    if (session.stage !== 'second-factor' || !session.secrets.totpSecret) return reply.redirect('/staff', 303)
    const form = parseForm(codeForm, request.body)
    const next = form.ok ? form.data.next : '/staff'
    if (!form.ok) return sendPage(reply, totpPage(pageContext(request), { next, errors: form.errors }), 400)
    const subjects = await subjectsFor(db, session.user.email, request.ip)
    if (await isThrottled(db, subjects)) {
      await endSession(db, session.id)
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      throw tooMany()
    }
    const user = await db
      .selectFrom('users')
      .select('totp_last_step')
      .where('id', '=', session.user.id)
      .executeTakeFirstOrThrow()
    const step = checkTotp(session.secrets.totpSecret, form.data.code, user.totp_last_step)
    const viaRecovery = step === null && (await useRecoveryCode(db, session.user.id, form.data.code))
    if (step === null && !viaRecovery) {
      await recordFailure(db, subjects)
      await audit(db, {
        actorId: session.user.id,
        action: 'signin.second_factor_failed',
        target: session.user.id,
      })
      return sendPage(reply, totpPage(pageContext(request), { next, errors: { code: 'totp.wrong' } }), 401)
    }
    if (step !== null)
      await db.updateTable('users').set({ totp_last_step: step }).where('id', '=', session.user.id).execute()
    await clearFailures(db, subjects)
    await updateSession(db, session, { stage: 'full' })
    await audit(db, {
      actorId: session.user.id,
      action: 'signin.success',
      target: session.user.id,
      detail: { factor: viaRecovery ? 'recovery-code' : 'totp' },
    })
    return reply.redirect(next, 303)
  })

  app.post('/logout', { config: { policy: 'public' } }, async (request, reply) => {
    if (request.session) {
      await endSession(db, request.session.id)
      await audit(db, {
        actorId: request.session.user.id,
        action: 'signout',
        target: request.session.user.id,
      })
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.redirect('/login?signedOut=1', 303)
  })
}
