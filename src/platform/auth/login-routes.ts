/** Password, then TOTP (or a recovery code, or a passkey), then out. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../app.ts'
import { audit } from '../audit.ts'
import type { Db } from '../db/database.ts'
import { tooMany } from '../errors.ts'
import { needsSecondFactor } from '../policy.ts'
import { pageContext, sendPage } from '../request-context.ts'
import type { FieldErrors } from '../validation.ts'
import { parseForm } from '../validation.ts'
import { unlockAccount } from './accounts.ts'
import { loginPage, totpPage } from './pages/forms.ts'
import { hasPasskey, relyingParty } from './passkeys.ts'
import { setSessionCookie } from './routes.ts'
import { codeForm, loginForm, nextPath } from './schema.ts'
import { secondFactorFailed, secondFactorPassed } from './second-factor.ts'
import { endSession, SESSION_COOKIE, type Session, startSession } from './sessions.ts'
import { attemptSucceeded, beginAttempt, forgetAccountFailures } from './throttle.ts'
import { checkTotp, claimTotpStep, useRecoveryCode } from './totp.ts'

/** The account an e-mail names, for the audit log (never the typed text: it may be a mistyped password). */
async function accountId(db: Db, email: string): Promise<string | null> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst()
  return row?.id ?? null
}

/** A query or form value as a local path to go to after signing in. */
function nextFrom(value: unknown): string {
  const parsed = nextPath.safeParse(typeof value === 'string' ? value : undefined)
  return parsed.success ? parsed.data : '/staff'
}

/** Registers /login, /login/totp and /logout. */
export function registerLoginRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.store
  const config = { policy: 'public' as const, rateLimit: { max: 30, timeWindow: '1 minute' } }

  const showTotp = async (
    request: FastifyRequest,
    reply: FastifyReply,
    next: string,
    errors: FieldErrors,
    status = 200,
  ) => {
    const passkey = !!relyingParty(deps.env.publicUrl) && (await hasPasskey(db, request.session!.user.id))
    return sendPage(reply, totpPage(pageContext(request), { next, errors, passkey }), status)
  }

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
    const attempt = await beginAttempt(db, form.data.email, request.ip)
    if (attempt.throttled) {
      await audit(db, {
        actorId: null,
        action: 'signin.throttled',
        target: await accountId(db, form.data.email),
      })
      throw tooMany()
    }
    const user = await unlockAccount(db, form.data.email, form.data.password)
    if (!user || user.disabled) {
      await audit(db, {
        actorId: null,
        action: 'signin.failed',
        target: await accountId(db, form.data.email),
      })
      return sendPage(reply, loginPage(ctx, { next, email, errors: { _form: 'login.wrong' } }), 401)
    }
    await attemptSucceeded(db, attempt)
    const stage = user.totpSecret ? 'second-factor' : needsSecondFactor(user.roles) ? 'enrol' : 'full'
    const secrets = {
      privateKey: user.keyPair.privateKey.toString('base64'),
      ...(user.totpSecret ? { totpSecret: user.totpSecret } : {}),
    }
    const cookie = await db.transaction().execute(async (trx) => {
      if (request.session) await endSession(trx, request.session.id)
      if (stage === 'full') {
        await forgetAccountFailures(trx, attempt)
        await audit(trx, {
          actorId: user.id,
          action: 'signin.success',
          target: user.id,
          detail: { factor: 'password' },
        })
      }
      return startSession(trx, user.id, stage, secrets)
    })
    setSessionCookie(deps, reply, cookie)
    const target =
      stage === 'second-factor'
        ? `/login/totp?next=${encodeURIComponent(next)}`
        : stage === 'enrol'
          ? '/account/totp'
          : next
    return reply.redirect(target, 303)
  })

  const secondFactor = { config: { ...config, policy: 'session' as const } }

  app.get<{ Querystring: { next?: unknown } }>('/login/totp', secondFactor, async (request, reply) => {
    if (request.session?.stage !== 'second-factor') return reply.redirect('/staff', 303)
    return showTotp(request, reply, nextFrom(request.query.next), {})
  })

  app.post('/login/totp', secondFactor, async (request, reply) => {
    const session = request.session!
    if (session.stage !== 'second-factor' || !session.secrets.totpSecret) return reply.redirect('/staff', 303)
    const body = (request.body ?? {}) as Record<string, unknown>
    const next = nextFrom(body.next)
    const form = parseForm(codeForm, request.body)
    if (!form.ok) return showTotp(request, reply, next, form.errors, 400)
    const attempt = await beginAttempt(db, session.user.email, request.ip)
    if (attempt.throttled) {
      await endSession(db, session.id)
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      throw tooMany()
    }
    const factor = await checkSecondFactor(db, session, form.data.code)
    if (!factor) {
      await secondFactorFailed(db, session)
      return showTotp(request, reply, next, { code: 'totp.wrong' }, 401)
    }
    await secondFactorPassed(db, session, attempt, factor)
    return reply.redirect(next, 303)
  })

  app.post('/logout', { config: { policy: 'public' } }, async (request, reply) => {
    const session = request.session
    if (session) {
      await db.transaction().execute(async (trx) => {
        await endSession(trx, session.id)
        await audit(trx, { actorId: session.user.id, action: 'signout', target: session.user.id })
      })
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.redirect('/login?signedOut=1', 303)
  })
}

/** Checks a TOTP code (claiming its time step, so it works once) or else a recovery code. */
async function checkSecondFactor(
  db: Db,
  session: Session,
  code: string,
): Promise<'totp' | 'recovery-code' | null> {
  const user = await db
    .selectFrom('users')
    .select('totp_last_step')
    .where('id', '=', session.user.id)
    .executeTakeFirstOrThrow()
  const step = checkTotp(session.secrets.totpSecret!, code, user.totp_last_step)
  if (step !== null && (await claimTotpStep(db, session.user.id, step))) return 'totp'
  if (await useRecoveryCode(db, session.user.id, code)) return 'recovery-code'
  return null
}
