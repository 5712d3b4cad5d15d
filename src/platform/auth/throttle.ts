/**
 * Throttling of guesses (sign-in per account and per network address; help-desk receipts per address), kept in the database so every app node
 * counts the same failures. Addresses are stored only as keyed hashes, never in clear.
 */
import { createHmac } from 'node:crypto'
import { storedSecret } from '../crypto/stored-secret.ts'
import type { Db } from '../db/database.ts'

const WINDOW_MS = 15 * 60_000
const LIMITS = { account: 5, address: 20 }

const addressKey = (db: Db) => storedSecret(db, 'address_hash_key')

/**
 * What failures from `address` are counted under for `purpose`: a keyed hash, never the address; null
 * for loopback addresses (an onion service, a proxy not trusted), which everyone shares.
 */
export async function addressSubject(db: Db, purpose: string, address: string): Promise<string | null> {
  if (isLoopback(address)) return null
  return `${purpose}:${createHmac('sha256', await addressKey(db))
    .update(address)
    .digest('base64url')}`
}

/** How many failures `subject` had within the last 15 minutes. */
export async function recentFailures(db: Db, subject: string): Promise<number> {
  const row = await db
    .selectFrom('login_failures')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('subject', '=', subject)
    .where('at', '>', new Date(Date.now() - WINDOW_MS))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/**
 * Counts one failure of `subject`, at `at` if given (a coarse time for a writer's failures; see
 * coarse-time.ts); old ones are deleted by the ten-minute job.
 */
export async function countFailure(db: Db, subject: string, at?: Date): Promise<void> {
  await db
    .insertInto('login_failures')
    .values({ subject, ...(at ? { at } : {}) })
    .execute()
}

/** An attempt being checked: the rows that count it, and whether it is over a limit. */
export type Attempt = { ids: number[]; account: string; throttled: boolean }

/**
 * Counts an attempt before it is checked, so guesses sent at the same moment all count: the attempt
 * is throttled when the account or the address is over its limit, this attempt included. Loopback
 * addresses (an onion service, a proxy not trusted) are shared by everyone, so only the account counts.
 */
export async function beginAttempt(db: Db, account: string, address: string): Promise<Attempt> {
  const subjects = [`account:${account.toLowerCase()}`]
  const byAddress = await addressSubject(db, 'address', address)
  if (byAddress) subjects.push(byAddress)
  const rows = await db
    .insertInto('login_failures')
    .values(subjects.map((subject) => ({ subject })))
    .returning('id')
    .execute()
  const counts = await db
    .selectFrom('login_failures')
    .select(['subject', (eb) => eb.fn.countAll<number>().as('count')])
    .where('subject', 'in', subjects)
    .where('at', '>', new Date(Date.now() - WINDOW_MS))
    .groupBy('subject')
    .execute()
  const over = counts.some(
    (row) => Number(row.count) > (row.subject.startsWith('account:') ? LIMITS.account : LIMITS.address),
  )
  return { ids: rows.map((row) => row.id), account: subjects[0]!, throttled: over }
}

/** The attempt was right: it no longer counts. */
export async function attemptSucceeded(db: Db, attempt: Attempt): Promise<void> {
  await db.deleteFrom('login_failures').where('id', 'in', attempt.ids).execute()
}

/**
 * Forgets an account's failures once it is fully signed in (never after the password alone, or a
 * phished password could reset the count of second-factor guesses).
 */
export async function forgetAccountFailures(db: Db, attempt: Attempt): Promise<void> {
  await db.deleteFrom('login_failures').where('subject', '=', attempt.account).execute()
}

/** Whether an address is loopback: everyone behind an onion service or an untrusted proxy shares it. */
export function isLoopback(address: string): boolean {
  return /^(127\.|::1$|::ffff:127\.)/.test(address)
}

/** Deletes failures older than the window; returns how many. */
export async function deleteOldFailures(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('login_failures')
    .where('at', '<=', new Date(Date.now() - WINDOW_MS))
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
