/** Adding and removing passkeys, and signing in with one: JSON for the browser's WebAuthn calls. */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { audit } from '../audit.ts'
import { notFound } from '../errors.ts'
import type { ModuleDeps } from '../module.ts'
import { STAFF } from '../policy.ts'
import { actor, currentSession } from '../request-context.ts'
import { text } from '../validation.ts'
import { issueDeviceCookie, trustedDevice } from './device-cookies.ts'
import { authErrors } from './errors.ts'
import { waitText } from './pages/forms.ts'
import {
  authenticationOptions,
  checkPasskey,
  registrationOptions,
  relyingParty,
  removePasskey,
  storePasskey,
  verifyNewPasskey,
} from './passkeys.ts'
import { proveMember } from './reauth.ts'
import { nextPath } from './schema.ts'
import { afterSignIn, secondFactorPassed, signInFailed } from './second-factor.ts'
import { secureCookies } from './session-cookie.ts'
import { updateSession } from './sessions.ts'
import { beginAttempt } from './throttle.ts'

// The browser's WebAuthn answers are checked by @simplewebauthn/server; here only their outline.
const credential = z
  .object({ id: z.string().max(1024), rawId: z.string().max(1024), type: z.literal('public-key') })
  .loose()
const addForm = z.object({ response: credential, name: text(60).optional() })
const signInForm = z.object({ response: credential, next: nextPath })
const proofForm = z.object({ code: text(40, { min: 1 }) })

/** Answers a JSON call that must wait: 429, Retry-After, and when to try again. */
function sendJsonWait(request: FastifyRequest, reply: FastifyReply, waitMs: number) {
  reply.header('retry-after', String(Math.ceil(waitMs / 1000)))
  return reply.status(429).send({ error: { code: 'ERR_RATE_LIMITED', message: waitText(request.t, waitMs) } })
}

/** Registers the passkey routes. */
export function registerPasskeyRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const staff = { config: { policy: { permission: STAFF } } }
  const session = { config: { policy: 'session' as const, rateLimit: { max: 30, timeWindow: '1 minute' } } }
  const rp = () => {
    const found = relyingParty(deps.env.publicUrl)
    if (!found) throw notFound()
    return found
  }
  const failed = authErrors.ERR_PASSKEY_FAILED
  const challengeOf = async (request: FastifyRequest) => {
    const current = currentSession(request)
    const challenge = current.secrets.passkeyChallenge
    if (!challenge) throw failed()
    const { passkeyChallenge: _, ...rest } = current.secrets
    await updateSession(db, current, { secrets: rest })
    return challenge
  }

  // A challenge, without which no passkey is added, only after the member proves it is them (reauth.ts).
  app.post('/account/passkeys/options', staff, async (request, reply) => {
    const current = actor(request)
    if (!current.user.totpEnabled) throw notFound()
    const form = proofForm.safeParse(request.body)
    if (!form.success) throw authErrors.ERR_REAUTH_MISSING()
    const proof = await proveMember(db, request, { code: form.data.code, secure: secureCookies(deps) })
    if (proof.outcome === 'wait') return sendJsonWait(request, reply, proof.waitMs)
    if (proof.outcome === 'wrong') throw authErrors.ERR_REAUTH_FAILED()
    const user = { id: current.user.id, email: current.user.email, name: current.user.displayName }
    const options = await registrationOptions(db, rp(), user)
    await updateSession(db, current, { secrets: { ...current.secrets, passkeyChallenge: options.challenge } })
    return options
  })

  app.post('/account/passkeys', staff, async (request) => {
    const current = actor(request)
    const form = addForm.safeParse(request.body)
    if (!form.success || !current.user.totpEnabled) throw failed()
    const name = form.data.name || request.t('passkeys.defaultName')
    const key = await verifyNewPasskey(rp(), {
      challenge: await challengeOf(request),
      response: form.data.response as unknown as RegistrationResponseJSON,
    })
    if (!key) throw failed()
    const added = await db.transaction().execute(async (trx) => {
      if (!(await storePasskey(trx, current.user.id, key, name))) return false
      await audit(trx, {
        actorId: current.user.id,
        action: 'factor.passkey_added',
        target: current.user.id,
        detail: { name },
      })
      return true
    })
    if (!added) throw authErrors.ERR_PASSKEY_KNOWN()
    return { ok: true }
  })

  app.delete<{ Params: { id: string } }>('/account/passkeys/:id', staff, async (request, reply) => {
    const current = actor(request)
    await db.transaction().execute(async (trx) => {
      if (!(await removePasskey(trx, current.user.id, request.params.id))) throw notFound()
      await audit(trx, {
        actorId: current.user.id,
        action: 'factor.passkey_removed',
        target: current.user.id,
      })
    })
    return reply.redirect('/account', 303)
  })

  app.get('/login/passkey/options', session, async (request) => {
    const current = currentSession(request)
    if (current.stage !== 'second-factor') throw notFound()
    const options = await authenticationOptions(db, rp(), current.user.id)
    await updateSession(db, current, { secrets: { ...current.secrets, passkeyChallenge: options.challenge } })
    return options
  })

  app.post('/login/passkey', session, async (request, reply) => {
    const current = currentSession(request)
    if (current.stage !== 'second-factor') throw notFound()
    const form = signInForm.safeParse(request.body)
    if (!form.success) throw failed()
    const secure = secureCookies(deps)
    const device = await trustedDevice(db, request, current.user.id, secure)
    const attempt = await beginAttempt(db, { email: current.user.email, address: request.ip, device })
    if (attempt.waitMs) return sendJsonWait(request, reply, attempt.waitMs)
    const ok = await checkPasskey(db, rp(), {
      userId: current.user.id,
      challenge: await challengeOf(request),
      response: form.data.response as unknown as AuthenticationResponseJSON,
    })
    if (!ok) {
      const event = { actorId: current.user.id, target: current.user.id }
      await signInFailed(db, attempt, { ...event, action: 'signin.second_factor_failed' })
      throw failed()
    }
    const failedSignins = await secondFactorPassed(db, current, attempt, 'passkey')
    await issueDeviceCookie(db, reply, current.user.id, secure)
    return { next: afterSignIn(form.data.next, failedSignins) }
  })
}
