/** Password, then TOTP (or a recovery code, or a passkey), then out. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit } from '../audit.ts'
import type { ModuleDeps } from '../module.ts'
import { needsSecondFactor, STAFF } from '../policy.ts'
import { actor, currentSession, pageContext, sendPage } from '../request-context.ts'
import type { FieldErrors } from '../validation.ts'
import { parseForm } from '../validation.ts'
import { accountIdByEmail } from './account-queries.ts'
import { unlockAccount } from './accounts.ts'
import { issueDeviceCookie, trustedDevice } from './device-cookies.ts'
import { loginPage, signInNoticePage, totpPage, waitText } from './pages/forms.ts'
import { hasPasskey, relyingParty } from './passkeys.ts'
import { codeForm, loginForm, nextPath } from './schema.ts'
import { afterSignIn, checkCode, secondFactorPassed, signedIn, signInFailed } from './second-factor.ts'
import { clearSessionCookie, secureCookies, setSessionCookie } from './session-cookie.ts'
import { endSession, startSession, updateSession } from './sessions.ts'
import { attemptSucceeded, beginAttempt } from './throttle.ts'

/** Answers an attempt that must wait: 429, Retry-After, and `page` saying when to try again. */
export function sendWait(reply: FastifyReply, waitMs: number, page: string) {
  reply.header('retry-after', String(Math.ceil(waitMs / 1000)))
  return sendPage(reply, page, 429)
}

/** A query or form value as a local path to go to after signing in. */
function nextFrom(value: unknown): string {
  const parsed = nextPath.safeParse(typeof value === 'string' ? value : undefined)
  return parsed.success ? parsed.data : '/staff'
}

/** Registers /login, /login/totp and /logout. */
export function registerLoginRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const secure = secureCookies(deps)
  const config = { policy: 'public' as const, rateLimit: { max: 30, timeWindow: '1 minute' } }

  const totpForm = async (request: FastifyRequest, next: string, errors: FieldErrors, alert?: string) => {
    const passkey =
      !!relyingParty(deps.env.publicUrl) && (await hasPasskey(db, currentSession(request).user.id))
    return totpPage(pageContext(request), { next, errors, passkey, alert })
  }
  const showTotp = async (
    request: FastifyRequest,
    reply: FastifyReply,
    next: string,
    errors: FieldErrors,
    status = 200,
  ) => sendPage(reply, await totpForm(request, next, errors), status)

  app.get<{ Querystring: { next?: unknown; signedOut?: string } }>(
    '/login',
    { config },
    async (request, reply) => {
      if (request.session?.stage === 'full') return reply.redirect('/staff', 303)
      const notice = request.query.signedOut ? request.t('login.signedOut') : undefined
      return sendPage(
        reply,
        loginPage(pageContext(request), { next: nextFrom(request.query.next), errors: {}, notice }),
      )
    },
  )

  app.post('/login', { config }, async (request, reply) => {
    const ctx = pageContext(request)
    const form = parseForm(loginForm, request.body)
    const body = (request.body ?? {}) as Record<string, unknown>
    const email = typeof body.email === 'string' ? body.email.slice(0, 254) : ''
    const next = nextFrom(body.next)
    if (!form.ok) return sendPage(reply, loginPage(ctx, { next, email, errors: form.errors }), 400)
    const target = await accountIdByEmail(db, form.data.email)
    const device = await trustedDevice(db, request, target, secure)
    const attempt = await beginAttempt(db, { email: form.data.email, address: request.ip, device })
    if (attempt.waitMs) {
      const alert = waitText(request.t, attempt.waitMs)
      return sendWait(reply, attempt.waitMs, loginPage(ctx, { next, email, errors: {}, alert }))
    }
    const user = await unlockAccount(db, form.data.email, form.data.password)
    if (!user || user.disabled) {
      await signInFailed(db, attempt, { actorId: null, action: 'signin.failed', target })
      return sendPage(reply, loginPage(ctx, { next, email, errors: { _form: 'login.wrong' } }), 401)
    }
    await attemptSucceeded(db, attempt)
    const stage = user.totpSecret ? 'second-factor' : needsSecondFactor(user.roles) ? 'enrol' : 'full'
    const secrets = {
      privateKey: user.keyPair.privateKey.toString('base64'),
      ...(user.totpSecret ? { totpSecret: user.totpSecret } : {}),
    }
    const { cookie, failedSignins } = await db.transaction().execute(async (trx) => {
      if (request.session) await endSession(trx, request.session.id)
      const failedSignins = stage === 'full' ? await signedIn(trx, user.id, 'password') : 0
      const session = await startSession(
        trx,
        user.id,
        stage,
        failedSignins ? { ...secrets, failedSignins } : secrets,
      )
      return { cookie: session, failedSignins }
    })
    setSessionCookie(deps, reply, cookie)
    if (stage === 'full') await issueDeviceCookie(db, reply, user.id, secure)
    const to =
      stage === 'second-factor'
        ? `/login/totp?next=${encodeURIComponent(next)}`
        : stage === 'enrol'
          ? '/account/totp'
          : afterSignIn(next, failedSignins)
    return reply.redirect(to, 303)
  })

  const secondFactor = { config: { ...config, policy: 'session' as const } }

  app.get<{ Querystring: { next?: unknown } }>('/login/totp', secondFactor, async (request, reply) => {
    if (request.session?.stage !== 'second-factor') return reply.redirect('/staff', 303)
    return showTotp(request, reply, nextFrom(request.query.next), {})
  })

  app.post('/login/totp', secondFactor, async (request, reply) => {
    const session = currentSession(request)
    if (session.stage !== 'second-factor' || !session.secrets.totpSecret) return reply.redirect('/staff', 303)
    const body = (request.body ?? {}) as Record<string, unknown>
    const next = nextFrom(body.next)
    const form = parseForm(codeForm, request.body)
    if (!form.ok) return showTotp(request, reply, next, form.errors, 400)
    // Whoever guesses codes with a phished password waits like any stranger; the member's own
    // browser, holding its device cookie, is judged by its own failures.
    const device = await trustedDevice(db, request, session.user.id, secure)
    const attempt = await beginAttempt(db, { email: session.user.email, address: request.ip, device })
    if (attempt.waitMs) {
      const alert = waitText(request.t, attempt.waitMs)
      return sendWait(reply, attempt.waitMs, await totpForm(request, next, {}, alert))
    }
    const factor = await checkCode(db, session.user.id, session.secrets.totpSecret ?? null, form.data.code)
    if (!factor) {
      const event = { actorId: session.user.id, target: session.user.id }
      await signInFailed(db, attempt, { ...event, action: 'signin.second_factor_failed' })
      return showTotp(request, reply, next, { code: 'totp.wrong' }, 401)
    }
    const failedSignins = await secondFactorPassed(db, session, attempt, factor)
    await issueDeviceCookie(db, reply, session.user.id, secure)
    return reply.redirect(afterSignIn(next, failedSignins), 303)
  })

  // Once, right after signing in: how many attempts on the account failed since the previous sign-in.
  app.get<{ Querystring: { next?: unknown } }>(
    '/login/notice',
    { config: { policy: { permission: STAFF } } },
    async (request, reply) => {
      const session = actor(request)
      const next = nextFrom(request.query.next)
      const count = session.secrets.failedSignins
      if (!count) return reply.redirect(next, 303)
      const { failedSignins: _, ...secrets } = session.secrets
      await updateSession(db, session, { secrets })
      return sendPage(reply, signInNoticePage(pageContext(request), { count, next }))
    },
  )

  app.post('/logout', { config: { policy: 'public' } }, async (request, reply) => {
    const session = request.session
    if (session) {
      await db.transaction().execute(async (trx) => {
        await endSession(trx, session.id)
        await audit(trx, { actorId: session.user.id, action: 'signout', target: session.user.id })
      })
    }
    clearSessionCookie(deps, reply)
    return reply.redirect('/login?signedOut=1', 303)
  })
}
