/** One's own account: TOTP enrolment, recovery codes, password change. */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { audit } from '../audit.ts'
import { fingerprint, keyPairFromPrivate } from '../crypto/primitives.ts'
import { serverKeyOf } from '../crypto/server-key.ts'
import { notFound } from '../errors.ts'
import type { ModuleDeps } from '../module.ts'
import { needsSecondFactor, STAFF } from '../policy.ts'
import { actor, currentSession, pageContext, sendPage } from '../request-context.ts'
import { type FieldErrors, parseForm } from '../validation.ts'
import { replaceKeyPair, saveTotpSecret, unlockAccount } from './accounts.ts'
import { issueDeviceCookie, trustedDevice } from './device-cookies.ts'
import { sendWait } from './login-routes.ts'
import { accountOverview, enrolPage, recoveryCodesPage } from './pages/account.ts'
import { waitText } from './pages/forms.ts'
import { listPasskeys, relyingParty } from './passkeys.ts'
import { proveMember } from './reauth.ts'
import { codeForm, passwordForm } from './schema.ts'
import { signInFailed } from './second-factor.ts'
import { secureCookies } from './session-cookie.ts'
import { endOtherSessions, updateSession } from './sessions.ts'
import { attemptSucceeded, beginAttempt } from './throttle.ts'
import {
  checkTotp,
  newRecoveryCodes,
  newTotpSecret,
  recoveryCodeKey,
  recoveryCodesLeft,
  totpEnrolment,
} from './totp.ts'

/** Registers /account and its forms. */
export function registerAccountRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const session = { config: { policy: 'session' as const } }
  const staff = { config: { policy: { permission: STAFF } } }

  // Enrolment is open to a session that must enrol, and to a signed-in member without TOTP yet. A
  // member signed in in full who comes back to the page once TOTP is on goes to the account page,
  // which says the app is set and how to change it. A session still signing in gets the 404: another
  // tab set the factor up, and this one has not proved it.
  const enrolling = (request: FastifyRequest) => {
    const current = currentSession(request)
    if (current.user.totpEnabled && current.stage === 'full') return { done: '/account?totp=set' } as const
    if (current.stage === 'second-factor' || current.user.totpEnabled) throw notFound()
    return current
  }

  app.get('/account/totp', session, async (request, reply) => {
    const current = enrolling(request)
    if ('done' in current) return reply.redirect(current.done, 303)
    let secret = current.secrets.pendingTotpSecret
    if (!secret) {
      secret = newTotpSecret()
      await updateSession(db, current, { secrets: { ...current.secrets, pendingTotpSecret: secret } })
    }
    const { svg } = await totpEnrolment(secret, current.user.email)
    const required = needsSecondFactor(current.roles)
    return sendPage(reply, enrolPage(pageContext(request), { svg, secret, required, errors: {} }))
  })

  app.post('/account/totp', session, async (request, reply) => {
    const current = enrolling(request)
    if ('done' in current) return reply.redirect(current.done, 303)
    const secret = current.secrets.pendingTotpSecret
    if (!secret) return reply.redirect('/account/totp', 303)
    const form = parseForm(codeForm, request.body)
    const step = form.ok ? checkTotp(secret, form.data.code, null) : null
    if (step === null) {
      const { svg } = await totpEnrolment(secret, current.user.email)
      const errors = form.ok ? { code: 'totp.wrong' } : form.errors
      const page = enrolPage(pageContext(request), {
        svg,
        secret,
        required: needsSecondFactor(current.roles),
        errors,
      })
      return sendPage(reply, page, 400)
    }
    const { pendingTotpSecret: _, ...rest } = current.secrets
    const codes = await db.transaction().execute(async (trx) => {
      if (!(await saveTotpSecret(trx, current.user.id, current.user.publicKey, secret, step)))
        throw notFound()
      await audit(trx, { actorId: current.user.id, action: 'factor.totp_enrolled', target: current.user.id })
      // Signed in in full, and the secret stays out of the session (second-factor.ts says why).
      await updateSession(trx, current, { stage: 'full', secrets: rest })
      return newRecoveryCodes(trx, current.user.id, recoveryCodeKey(db))
    })
    // Password and a working second factor: a full sign-in, so this browser is now known.
    await issueDeviceCookie(db, reply, current.user.id, secureCookies(deps))
    // The codes are shown on this response only; the database keeps their hashes.
    const ctx = { ...pageContext(request), staff: undefined }
    return sendPage(reply, recoveryCodesPage(ctx, codes))
  })

  // The account page, with what the member has set up and, after a failed form, its errors.
  const overview = async (
    request: FastifyRequest,
    errors: FieldErrors,
    notice?: string,
    proofErrors?: FieldErrors,
  ) => {
    const current = actor(request)
    return accountOverview(pageContext(request), {
      email: current.user.email,
      // From the private key this session holds, not the stored public key: if that was replaced, the
      // fingerprint an administrator sees (from the stored one) differs from this one.
      keyFingerprint: fingerprint(
        keyPairFromPrivate(Buffer.from(current.secrets.privateKey, 'base64')).publicKey,
      ),
      totpEnabled: current.user.totpEnabled,
      codesLeft: await recoveryCodesLeft(db, current.user.id),
      passkeys: relyingParty(deps.env.publicUrl) ? await listPasskeys(db, current.user.id) : null,
      errors,
      proofErrors,
      notice,
    })
  }

  app.get<{ Querystring: { changed?: string; passkey?: string; totp?: string } }>(
    '/account',
    staff,
    async (request, reply) => {
      const { changed, passkey, totp } = request.query
      const notice = changed
        ? request.t('account.passwordChanged')
        : passkey
          ? request.t('passkeys.added')
          : totp
            ? request.t('account.totpAlreadySet')
            : undefined
      return sendPage(reply, await overview(request, {}, notice))
    },
  )

  // New codes replace every old one: a stolen session must not be able to make them (reauth.ts).
  app.post('/account/recovery-codes', staff, async (request, reply) => {
    const current = actor(request)
    if (!current.user.totpEnabled) throw notFound()
    const form = parseForm(codeForm, request.body)
    const refuse = async (error: string, status: number) =>
      sendPage(reply, await overview(request, {}, undefined, { code: error }), status)
    if (!form.ok) return refuse('reauth.required', 400)
    const proof = await proveMember(db, request, { code: form.data.code, secure: secureCookies(deps) })
    if (proof.outcome === 'wait') {
      const page = await overview(request, {}, waitText(request.t, proof.waitMs))
      return sendWait(reply, proof.waitMs, page)
    }
    if (proof.outcome === 'wrong') return refuse('reauth.wrong', 401)
    const key = recoveryCodeKey(db)
    const codes = await db.transaction().execute(async (trx) => {
      await audit(trx, {
        actorId: current.user.id,
        action: 'factor.recovery_codes_renewed',
        target: current.user.id,
        detail: { proof: proof.factor },
      })
      return newRecoveryCodes(trx, current.user.id, key)
    })
    return sendPage(reply, recoveryCodesPage(pageContext(request), codes))
  })

  app.post('/account/password', staff, async (request, reply) => {
    const current = actor(request)
    const form = parseForm(passwordForm, request.body)
    const show = async (errors: FieldErrors) => sendPage(reply, await overview(request, errors), 400)
    if (!form.ok) return show(form.errors)
    // A stolen session must not become a way to guess the password: the sign-in throttle applies here too.
    const device = await trustedDevice(db, request, current.user.id, secureCookies(deps))
    const attempt = await beginAttempt(db, { email: current.user.email, address: request.ip, device })
    if (attempt.waitMs) {
      const page = await overview(request, {}, waitText(request.t, attempt.waitMs))
      return sendWait(reply, attempt.waitMs, page)
    }
    const unlocked = await unlockAccount(db, current.user.email, form.data.current)
    if (!unlocked) {
      const event = { actorId: current.user.id, target: current.user.id }
      await signInFailed(db, attempt, { ...event, action: 'account.password_check_failed' })
      return show({ current: 'account.wrongPassword' })
    }
    // A new key pair, not just a new wrapping: a copy of the database taken from now on opens nothing
    // with the old password, even with the server key.
    await replaceKeyPair(db, serverKeyOf(db), {
      userId: current.user.id,
      password: form.data.password,
      from: unlocked.keyPair,
      also: async (trx, keyPair) => {
        await attemptSucceeded(trx, attempt)
        await audit(trx, {
          actorId: current.user.id,
          action: 'account.password_changed',
          target: current.user.id,
        })
        // Other sessions opened with the old password end; this one goes on, with the new key.
        await endOtherSessions(trx, current.user.id, current.id)
        const privateKey = keyPair.privateKey.toString('base64')
        await updateSession(trx, current, { secrets: { ...current.secrets, privateKey } })
      },
    })
    return reply.redirect('/account?changed=1', 303)
  })
}
