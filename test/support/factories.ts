/** Builds staff members and signs them in, the way the app itself does. */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { Secret, TOTP } from 'otpauth'
import { createAccount, saveTotpSecret } from '../../src/platform/auth/accounts.ts'
import { newTotpSecret } from '../../src/platform/auth/totp.ts'
import { type KeyPair, newKeyPair, randomBytes } from '../../src/platform/crypto/primitives.ts'
import type { KeyHolder } from '../../src/platform/crypto/sealed-records.ts'
import type { Db } from '../../src/platform/db/database.ts'
import { type Agent, agent } from './agent.ts'

let counter = 0

/** A staff member made by `createStaff`, with what a test needs to act as them. */
export type TestStaff = {
  id: string
  email: string
  password: string
  totpSecret: string | null
  keyPair: KeyPair
}

/** Creates a staff member with the given roles; with TOTP enrolled unless `totp: false`. */
export async function createStaff(
  db: Db,
  options: { roles: string[]; totp?: boolean; email?: string; password?: string },
): Promise<TestStaff> {
  counter += 1
  const email = options.email ?? `staff${counter}-${Date.now()}@example.org`
  const password = options.password ?? `correct horse battery ${counter}`
  const { id, keyPair } = await createAccount(db, {
    email,
    displayName: `Staff ${counter}`,
    password,
    roles: options.roles,
  })
  let totpSecret: string | null = null
  if (options.totp !== false) {
    totpSecret = newTotpSecret()
    await saveTotpSecret(db, id, keyPair.publicKey, totpSecret, 0)
  }
  return { id, email, password, totpSecret, keyPair }
}

/** The TOTP code for `secret`, `stepsAhead` time steps from now (a step is 30 s). */
export function totpCode(secret: string, stepsAhead = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6 })
  return totp.generate({ timestamp: Date.now() + stepsAhead * 30_000 })
}

/** Signs a staff member in through the real forms and returns their agent. */
export async function signIn(app: FastifyInstance, staff: TestStaff, stepsAhead = 0): Promise<Agent> {
  const visitor = agent(app)
  await visitor.get('/login')
  const login = await visitor.post('/login', { email: staff.email, password: staff.password })
  if (login.statusCode !== 303) throw new Error(`sign-in failed: ${login.statusCode}`)
  let landing = login.headers.location!
  if (staff.totpSecret) {
    await visitor.get('/login/totp')
    const second = await visitor.post('/login/totp', { code: totpCode(staff.totpSecret, stepsAhead) })
    if (second.statusCode !== 303) throw new Error(`second factor failed: ${second.statusCode}`)
    landing = second.headers.location!
  }
  // Like a browser, open the page signing in leads to: its forms carry the new session's CSRF token.
  await visitor.get(landing)
  return visitor
}

/**
 * A member who holds a key pair and nothing else (no password that opens anything, no roles): for
 * tests of sealed data that never sign in.
 */
export async function keyHolder(db: Db, name: string): Promise<KeyHolder> {
  const keyPair = newKeyPair()
  const { id } = await db
    .insertInto('users')
    .values({
      email: `${name}-${randomUUID()}@example.org`,
      display_name: name,
      password_hash: 'not-a-real-hash',
      kdf_salt: randomBytes(16),
      public_key: keyPair.publicKey,
      wrapped_private_key: randomBytes(72),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { userId: id, keyPair }
}
