/**
 * Sign-in throttling per account and per network address, kept in the database so every app node
 * counts the same failures. Addresses are stored only as keyed hashes, never in clear.
 */
import { createHmac } from 'node:crypto'
import { randomBytes } from '../crypto/primitives.ts'
import type { Db } from '../db/database.ts'

const WINDOW_MS = 15 * 60_000
const LIMITS = { account: 5, address: 20 }

async function addressKey(db: Db): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key: 'address_hash_key', value: randomBytes(32).toString('base64') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'address_hash_key')
    .executeTakeFirstOrThrow()
  return row.value
}

/** The throttle subjects for a sign-in attempt: the account named and the caller's address. */
export async function subjectsFor(db: Db, account: string, address: string) {
  const hashed = createHmac('sha256', await addressKey(db))
    .update(address)
    .digest('base64url')
  return { account: `account:${account.toLowerCase()}`, address: `address:${hashed}` }
}

/** Whether either subject has failed too often in the last 15 minutes. */
export async function isThrottled(db: Db, subjects: { account: string; address: string }): Promise<boolean> {
  const since = new Date(Date.now() - WINDOW_MS)
  const rows = await db
    .selectFrom('login_failures')
    .select(['subject', (eb) => eb.fn.countAll<number>().as('count')])
    .where('subject', 'in', [subjects.account, subjects.address])
    .where('at', '>', since)
    .groupBy('subject')
    .execute()
  const count = (subject: string) => Number(rows.find((row) => row.subject === subject)?.count ?? 0)
  return count(subjects.account) >= LIMITS.account || count(subjects.address) >= LIMITS.address
}

/** Records a failed attempt against both subjects. */
export async function recordFailure(db: Db, subjects: { account: string; address: string }): Promise<void> {
  await db
    .insertInto('login_failures')
    .values([{ subject: subjects.account }, { subject: subjects.address }])
    .execute()
}

/** Forgets an account's failures after a successful sign-in. */
export async function clearFailures(db: Db, subjects: { account: string }): Promise<void> {
  await db.deleteFrom('login_failures').where('subject', '=', subjects.account).execute()
}

/** Deletes failures older than the window; returns how many. */
export async function deleteOldFailures(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('login_failures')
    .where('at', '<=', new Date(Date.now() - WINDOW_MS))
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
