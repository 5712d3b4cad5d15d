/**
 * Sessions live in the database, so any app node can serve any session. The cookie holds two random
 * values: a token (the database keeps only its hash) and a key that seals the session's secrets —
 * the user's unwrapped private key, and their TOTP secret only until the second factor is checked.
 * Neither the database nor a node's memory holds those secrets at rest; each request opens them with
 * the key its cookie brings.
 */
import { sql } from 'kysely'
import { newSymmetricKey, randomBytes, secretOpen, secretSeal, sha256 } from '../crypto/primitives.ts'
import type { Db } from '../db/database.ts'

/**
 * The session cookie's name: `__Host-` prefixed over https, so that no other host (a sibling
 * subdomain) or path can plant a session of its choosing in the browser.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-lifeline_session' : 'lifeline_session'
}
/** A session unused this long ends. */
export const IDLE_MS = 30 * 60_000
/** No session lasts longer than this. */
export const ABSOLUTE_MS = 12 * 60 * 60_000
// Writing last_seen_at on every request would make every page a write; a minute's slack is enough.
const TOUCH_EVERY_MS = 60_000

/** Where a session stands in signing in. */
export type Stage = 'second-factor' | 'enrol' | 'full'

/** Secrets carried by a session, sealed under the cookie's key. Base64 strings. */
export type SessionSecrets = {
  privateKey: string
  /** Only at the 'second-factor' stage: dropped once the code is checked (second-factor.ts). */
  totpSecret?: string
  pendingTotpSecret?: string
  /** The WebAuthn challenge of a passkey ceremony under way. */
  passkeyChallenge?: string
  /** Failed attempts on the account since its previous sign-in, until the member has seen the notice. */
  failedSignins?: number
}

/** A live session, opened with its cookie. */
export type Session = {
  id: string
  stage: Stage
  user: { id: string; email: string; displayName: string; totpEnabled: boolean; publicKey: Buffer }
  roles: string[]
  secrets: SessionSecrets
  key: Buffer
}

/** Starts a session and returns the cookie value. */
export async function startSession(
  db: Db,
  userId: string,
  stage: Stage,
  secrets: SessionSecrets,
): Promise<string> {
  const token = randomBytes(32)
  const key = newSymmetricKey()
  await db
    .insertInto('sessions')
    .values({
      id: sha256(token),
      user_id: userId,
      stage,
      secrets: secretSeal(Buffer.from(JSON.stringify(secrets)), key),
      expires_at: new Date(Date.now() + ABSOLUTE_MS),
    })
    .execute()
  return `${token.toString('base64url')}.${key.toString('base64url')}`
}

// The token and key a session cookie holds, if it is well formed.
function parseCookie(cookie: string | undefined): { token: Buffer; key: Buffer } | null {
  const [tokenText, keyText, ...rest] = (cookie ?? '').split('.')
  if (!tokenText || !keyText || rest.length) return null
  const token = Buffer.from(tokenText, 'base64url')
  const key = Buffer.from(keyText, 'base64url')
  return token.length === 32 && key.length === 32 ? { token, key } : null
}

/** The id of the session a cookie names (whether or not it still lives), or null for a malformed cookie. */
export function sessionIdOf(cookie: string | undefined): string | null {
  const parsed = parseCookie(cookie)
  return parsed ? sha256(parsed.token) : null
}

/** Opens the session a cookie names, or null when it is unknown, expired, idle too long or its user is disabled. */
export async function readSession(db: Db, cookie: string | undefined): Promise<Session | null> {
  const parsed = parseCookie(cookie)
  if (!parsed) return null
  const { token, key } = parsed
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.stage',
      'sessions.secrets',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'users.id as user_id',
      'users.email',
      'users.display_name',
      'users.totp_enabled_at',
      'users.public_key',
      'users.disabled_at',
    ])
    .select(
      sql<string[]>`array(SELECT role FROM user_roles WHERE user_id = users.id ORDER BY role)`.as('roles'),
    )
    .where('sessions.id', '=', sha256(token))
    .executeTakeFirst()
  const now = Date.now()
  if (
    !row ||
    row.disabled_at ||
    row.expires_at.getTime() <= now ||
    row.last_seen_at.getTime() + IDLE_MS <= now
  ) {
    return null
  }
  let secrets: SessionSecrets
  try {
    secrets = JSON.parse(secretOpen(row.secrets, key).toString('utf8'))
  } catch {
    return null
  }
  if (row.last_seen_at.getTime() + TOUCH_EVERY_MS <= now) {
    await db.updateTable('sessions').set({ last_seen_at: new Date() }).where('id', '=', row.id).execute()
  }
  return {
    id: row.id,
    stage: row.stage as Stage,
    user: {
      id: row.user_id,
      email: row.email,
      displayName: row.display_name,
      totpEnabled: !!row.totp_enabled_at,
      publicKey: row.public_key,
    },
    roles: row.roles ?? [],
    secrets,
    key,
  }
}

/** Moves a session to another stage, optionally replacing its secrets. */
export async function updateSession(
  db: Db,
  session: Session,
  change: { stage?: Stage; secrets?: SessionSecrets },
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({
      ...(change.stage ? { stage: change.stage } : {}),
      ...(change.secrets
        ? { secrets: secretSeal(Buffer.from(JSON.stringify(change.secrets)), session.key) }
        : {}),
    })
    .where('id', '=', session.id)
    .execute()
}

/** Ends one session. */
export async function endSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute()
}

/** Ends every session of a user at once (disabled account, password change). */
export async function endUserSessions(db: Db, userId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Ends every session of `userId` but `keepId` (the one that changed the password goes on). */
export async function endOtherSessions(db: Db, userId: string, keepId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '!=', keepId).execute()
}

/** Deletes sessions past their absolute or idle limit; returns how many. */
export async function deleteExpiredSessions(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([eb('expires_at', '<=', new Date()), eb('last_seen_at', '<=', new Date(Date.now() - IDLE_MS))]),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
