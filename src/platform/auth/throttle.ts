/**
 * Throttling of guesses (sign-in per account, per network address and per trusted device; help-desk
 * receipts per network), kept in the database so every app node counts the same failures. Subjects are
 * stored only as keyed hashes: never an address, and never what was typed as an e-mail (it is
 * sometimes a password typed in the wrong field). The keys are derived from the server key, which no
 * copy of the database holds: a seized copy can't be matched against the 2^32 IPv4 addresses or a list
 * of staff e-mails. And an address counts by its network (its /24, or /48 for IPv6), so even with the
 * key a hash narrows a member down only to a network, never to one address.
 *
 * Sign-in never locks an account: past a few free failures each further one makes the next attempt
 * wait twice as long (15 s, 30 s, … up to 15 minutes), and a member whose browser holds a device
 * cookie for the account (device-cookies.ts) is judged by that device's own failures instead, so
 * someone guessing cannot keep them out. A subject's failures are forgotten after an hour without any.
 */
import ipaddr from 'ipaddr.js'
import { mac } from '../crypto/primitives.ts'
import { serverKeyOf } from '../crypto/server-key.ts'
import type { Db } from '../db/database.ts'

const WINDOW_MS = 15 * 60_000
/** Failures of a subject are forgotten once it has had none for this long. */
export const QUIET_MS = 60 * 60_000
// And none is kept longer than a day, so a patient attacker cannot grow the table without end.
const KEEP_MS = 24 * 60 * 60_000
/**
 * Failures each kind of subject may make before attempts must wait (a device is then no longer trusted).
 * An address is a whole network now (a /24 or /48), yet 20 stays enough: a member's own browser is
 * judged by its device cookie, not its network, and a stranger on the same network makes a new
 * browser wait at most 15 minutes, never locks it out; while an attacker's neighbouring addresses,
 * and the 2^80 of an IPv6 /48, no longer each bring 20 free guesses.
 */
export const FREE = { account: 5, address: 20, device: 5 }
/** The wait after the first failure over the free ones; each further failure doubles it. */
export const FIRST_WAIT_MS = 15_000
/** The longest wait: long enough to hold guessing to a few an hour, short enough not to lock anyone out. */
export const LONGEST_WAIT_MS = 15 * 60_000

// Looked up on the store's db: a transaction handle has no server key.
const addressKey = (db: Db) => serverKeyOf(db).derive('address hashes')
const subjectKey = (db: Db) => serverKeyOf(db).derive('sign-in subjects')

/**
 * The network an address belongs to, as counted: its /24 for IPv4 (an IPv4-mapped IPv6 address is its
 * IPv4 one), its /48 for IPv6 (what a site is given; a single line often has a whole /64 or more).
 * Text that is no address stands for itself.
 */
export function networkOf(address: string): string {
  if (!ipaddr.isValid(address)) return address
  const parsed = ipaddr.process(address)
  if (parsed.kind() === 'ipv4') {
    const [a, b, c] = parsed.toByteArray()
    return `${a}.${b}.${c}.0/24`
  }
  const [a, b, c] = (parsed as ipaddr.IPv6).parts.map((part) => part.toString(16))
  return `${a}:${b}:${c}::/48`
}

/**
 * What failures from `address` are counted under for `purpose`: a keyed hash of its network, never
 * the address; null for loopback addresses (an onion service, a proxy not trusted), which everyone
 * shares.
 */
export async function addressSubject(db: Db, purpose: string, address: string): Promise<string | null> {
  if (isLoopback(address)) return null
  return `${purpose}:${mac(networkOf(address), addressKey(db)).toString('base64url')}`
}

/** What failures on `value` (a typed e-mail, a device nonce) count under: a keyed hash of it. */
export async function keyedSubject(db: Db, purpose: 'account' | 'device', value: string): Promise<string> {
  return `${purpose}:${mac(`${purpose}\0${value}`, subjectKey(db)).toString('base64url')}`
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

/**
 * How long an attempt must wait after `failures` failures, the latest at `latest`: nothing while
 * they are within `free`, then 15 s after the latest, doubling with each failure up to 15 minutes.
 */
export function waitAfter(failures: number, latest: Date | null, free: number, now = Date.now()): number {
  if (failures < free || !latest) return 0
  const wait = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** Math.min(failures - free, 30))
  return Math.max(0, latest.getTime() + wait - now)
}

/** Who is attempting: the typed e-mail, the network address, and a trusted device's nonce if any. */
export type Claimant = { email: string; address: string; device?: string | null }

/** What a subject's kind is, from its prefix. */
export type SubjectKind = keyof typeof FREE

/**
 * An attempt being checked: the rows that count it, whether it comes from a trusted device, and how
 * long it must wait (0: it may go ahead; otherwise it was not counted).
 */
export type Attempt = { ids: number[]; subjects: string[]; trusted: boolean; waitMs: number }

type Tally = { subject: string; failures: number; latest: Date | null }

const kindOf = (subject: string) => subject.slice(0, subject.indexOf(':')) as SubjectKind

// Each subject's failures other than `exclude`, after forgetting those of subjects quiet for an hour.
async function tallies(db: Db, subjects: string[], exclude: number[] = []): Promise<Tally[]> {
  const rows = await db
    .selectFrom('login_failures')
    .select(['subject', (eb) => eb.fn.countAll<number>().as('count'), (eb) => eb.fn.max('at').as('latest')])
    .where('subject', 'in', subjects)
    .$if(exclude.length > 0, (query) => query.where('id', 'not in', exclude))
    .groupBy('subject')
    .execute()
  return subjects.map((subject) => {
    const row = rows.find((found) => found.subject === subject)
    return { subject, failures: Number(row?.count ?? 0), latest: row?.latest ?? null }
  })
}

async function forgetQuiet(db: Db, subjects: string[]): Promise<void> {
  await db
    .deleteFrom('login_failures')
    .where('subject', 'in', subjects)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('login_failures as recent')
            .select('recent.id')
            .whereRef('recent.subject', '=', 'login_failures.subject')
            .where('recent.at', '>', new Date(Date.now() - QUIET_MS)),
        ),
      ),
    )
    .execute()
}

/**
 * Counts an attempt before it is checked, so guesses sent at the same moment all count. A trusted
 * device (its cookie valid for the account, and not itself over its failures) is judged by its own
 * failures only; anyone else by the account's and the address's (loopback addresses, shared by
 * everyone behind an onion service, by the account's only). An attempt that must wait is not counted.
 */
export async function beginAttempt(db: Db, claimant: Claimant): Promise<Attempt> {
  let subjects: string[] = []
  if (claimant.device) {
    const device = await keyedSubject(db, 'device', claimant.device)
    await forgetQuiet(db, [device])
    const [tally] = await tallies(db, [device])
    if (tally!.failures < FREE.device) subjects = [device]
  }
  const trusted = subjects.length > 0
  if (!trusted) {
    subjects.push(await keyedSubject(db, 'account', claimant.email.toLowerCase()))
    const byAddress = await addressSubject(db, 'address', claimant.address)
    if (byAddress) subjects.push(byAddress)
    await forgetQuiet(db, subjects)
  }
  const rows = await db
    .insertInto('login_failures')
    .values(subjects.map((subject) => ({ subject })))
    .returning('id')
    .execute()
  const ids = rows.map((row) => row.id)
  const now = Date.now()
  const waitMs = Math.max(
    ...(await tallies(db, subjects, ids)).map((tally) =>
      waitAfter(tally.failures, tally.latest, FREE[kindOf(tally.subject)], now),
    ),
  )
  if (waitMs > 0) await db.deleteFrom('login_failures').where('id', 'in', ids).execute()
  return { ids: waitMs > 0 ? [] : ids, subjects, trusted, waitMs }
}

/**
 * The attempt was wrong (its rows stay as failures): the waits it brings on, by the kind of subject,
 * for the audit log. A device over its failures is no longer trusted (reported with a wait of 0).
 */
export async function attemptFailed(
  db: Db,
  attempt: Attempt,
): Promise<{ by: SubjectKind; waitMs: number }[]> {
  const now = Date.now()
  return (await tallies(db, attempt.subjects)).flatMap((tally): { by: SubjectKind; waitMs: number }[] => {
    const by = kindOf(tally.subject)
    if (by === 'device') return tally.failures >= FREE.device ? [{ by, waitMs: 0 }] : []
    const waitMs = waitAfter(tally.failures, tally.latest, FREE[by], now)
    return waitMs > 0 ? [{ by, waitMs }] : []
  })
}

/** The attempt was right: it no longer counts. */
export async function attemptSucceeded(db: Db, attempt: Attempt): Promise<void> {
  if (attempt.ids.length) await db.deleteFrom('login_failures').where('id', 'in', attempt.ids).execute()
}

/** Whether an address is loopback: everyone behind an onion service or an untrusted proxy shares it. */
export function isLoopback(address: string): boolean {
  return /^(127\.|::1$|::ffff:127\.)/.test(address)
}

/**
 * Deletes sign-in failures of subjects quiet for an hour and any older than a day, and help-desk
 * receipt misses past their 15 minutes (they are about writers: kept no longer than they count).
 */
export async function deleteOldFailures(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('login_failures')
    .where((eb) =>
      eb.or([
        eb('at', '<=', new Date(Date.now() - KEEP_MS)),
        eb.and([eb('subject', 'like', 'receipt:%'), eb('at', '<=', new Date(Date.now() - WINDOW_MS))]),
        eb.not(
          eb.exists(
            eb
              .selectFrom('login_failures as recent')
              .select('recent.id')
              .whereRef('recent.subject', '=', 'login_failures.subject')
              .where('recent.at', '>', new Date(Date.now() - QUIET_MS)),
          ),
        ),
      ]),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
