/**
 * The member-keys suite (`npm run bench -- member-keys [--records N] [--engine pglite|native]`): what a
 * member's keys cost (src/platform/auth/accounts.ts, password-material.ts, crypto/sealed-upgrade.ts).
 *
 * - A sign-in's password check at the default cost (moderate), beside the cost passwords had before
 *   (interactive): one Argon2id stretch each, in this process.
 * - A password change for a member who holds N records (2,000 by default): a new key pair and every
 *   record key re-wrapped, beside sealing those records once, one transaction each.
 * - The first sign-in of an account from before the server key that holds N records sealed the old
 *   way: every record re-sealed in the bound format, and a new key pair.
 */
import { join } from 'node:path'
import { createAccount, replaceKeyPair, unlockAccount } from '../src/platform/auth/accounts.ts'
import { attachErasureKeys } from '../src/platform/crypto/erasure-keys.ts'
import {
  boxSeal,
  deriveKey,
  hashPassword,
  newKeyPair,
  newSalt,
  newSymmetricKey,
  type PASSWORD_COSTS,
  randomBytes,
  secretSeal,
} from '../src/platform/crypto/primitives.ts'
import { addDeskMember, createDesk, sealRecord } from '../src/platform/crypto/sealed-records.ts'
import { openStore, type Store } from '../src/platform/db/database.ts'
import { migrateToLatest } from '../src/platform/db/migrate.ts'
import { onEachEngine } from './support/engines.ts'
import { recordsArgument, tempDir } from './support/processes.ts'
import { num, ratio, table } from './support/report.ts'

/** One line for `npm run bench -- --list`. */
export const description =
  "members' keys: sign-in cost, a password change and a first sign-in re-wrapping 2,000 records; PGlite and native"

const CONTENT_BYTES = 1024
const PASSWORD = 'a bench password of some length'

type Figures = {
  unlockModerateMs: number
  unlockInteractiveMs: number
  sealPerSecond: number
  changePerSecond: number
  migratePerSecond: number
}

async function withCost<T>(cost: keyof typeof PASSWORD_COSTS, work: () => Promise<T>): Promise<T> {
  const saved = process.env.LIFELINE_PASSWORD_COST
  process.env.LIFELINE_PASSWORD_COST = cost
  try {
    return await work()
  } finally {
    if (saved === undefined) delete process.env.LIFELINE_PASSWORD_COST
    else process.env.LIFELINE_PASSWORD_COST = saved
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await work()
  return performance.now() - start
}

// The median of three sign-ins' password checks at `cost`.
async function unlockMs(store: Store, cost: keyof typeof PASSWORD_COSTS): Promise<number> {
  return withCost(cost, async () => {
    const email = `unlock-${cost}@example.org`
    await createAccount(store.db, { email, displayName: cost, password: PASSWORD, roles: [] })
    const times = []
    for (let i = 0; i < 3; i++) times.push(await timed(() => unlockAccount(store.db, email, PASSWORD)))
    return times.sort((a, b) => a - b)[1]!
  })
}

// An account made the old way (password alone, argon2id string), holding `records` old-format records.
async function legacyMember(store: Store, deskId: string, records: number): Promise<string> {
  const keyPair = newKeyPair()
  const salt = newSalt()
  const { id } = await store.db
    .insertInto('users')
    .values({
      email: 'legacy@example.org',
      display_name: 'Legacy',
      password_hash: await hashPassword(PASSWORD),
      kdf_salt: salt,
      public_key: keyPair.publicKey,
      wrapped_private_key: secretSeal(keyPair.privateKey, await deriveKey(PASSWORD, salt)),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await addDeskMember(store.db, { deskId, userId: id, actorId: id })
  for (let i = 0; i < records; i++) {
    const key = newSymmetricKey()
    const { id: recordId } = await store.db
      .insertInto('sealed_records')
      .values({
        desk_id: deskId,
        kind: 'report',
        format: 1,
        ciphertext: secretSeal(randomBytes(CONTENT_BYTES), key),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await store.db
      .insertInto('record_keys')
      .values({ record_id: recordId, user_id: id, wrapped_key: boxSeal(key, keyPair.publicKey) })
      .execute()
  }
  return id
}

async function measure(engine: string, records: number, databaseUrl?: string): Promise<Figures> {
  const dir = tempDir(`lifeline-bench-member-keys-${engine}-`)
  const store = await openStore({
    dataDir: join(dir, 'data'),
    databaseUrl,
    serverKeyFile: join(dir, 'server.key'),
  })
  attachErasureKeys(store, { dataDir: join(dir, 'data'), dir: join(dir, 'erasure-keys') })
  try {
    await migrateToLatest(store.db)
    const unlockModerateMs = await unlockMs(store, 'moderate')
    const unlockInteractiveMs = await unlockMs(store, 'interactive')

    const member = await withCost('interactive', () =>
      createAccount(store.db, {
        email: 'member@example.org',
        displayName: 'M',
        password: PASSWORD,
        roles: [],
      }),
    )
    const deskId = await createDesk(store.db, { slug: 'bench', name: 'Bench' })
    await addDeskMember(store.db, { deskId, userId: member.id, actorId: member.id })
    const sealMs = await timed(async () => {
      for (let i = 0; i < records; i++)
        await sealRecord(store.db, { deskId, kind: 'report', content: randomBytes(CONTENT_BYTES) })
    })
    const changeMs = await withCost('interactive', () =>
      timed(() =>
        replaceKeyPair(store.db, store.serverKey, {
          userId: member.id,
          password: `${PASSWORD}!`,
          from: member.keyPair,
        }),
      ),
    )

    const otherDesk = await createDesk(store.db, { slug: 'legacy', name: 'Legacy' })
    await legacyMember(store, otherDesk, records)
    const migrateMs = await withCost('interactive', () =>
      timed(async () => {
        if (!(await unlockAccount(store.db, 'legacy@example.org', PASSWORD))) throw new Error('no sign-in')
      }),
    )
    const left = await store.db
      .selectFrom('sealed_records')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('format', '=', 1)
      .executeTakeFirstOrThrow()
    if (Number(left.n) !== 0) throw new Error(`${left.n} records were left in the old format`)
    console.log(
      `[${engine}] sealed ${records} in ${num(sealMs / 1000, 1)} s; a password change re-wrapped them in ${num(changeMs / 1000, 1)} s; a first sign-in moved ${records} old records over in ${num(migrateMs / 1000, 1)} s`,
    )
    return {
      unlockModerateMs,
      unlockInteractiveMs,
      sealPerSecond: records / (sealMs / 1000),
      changePerSecond: records / (changeMs / 1000),
      migratePerSecond: records / (migrateMs / 1000),
    }
  } finally {
    await store.close()
  }
}

/** Runs the suite. */
export async function run(): Promise<void> {
  const records = recordsArgument(2000)
  const { pglite, native } = await onEachEngine((engine, url) => measure(engine, records, url))
  const rows = [
    [
      'password check at sign-in, moderate (ms)',
      num(pglite?.unlockModerateMs),
      num(native?.unlockModerateMs),
    ],
    [
      'baseline: interactive, as before (ms)',
      num(pglite?.unlockInteractiveMs),
      num(native?.unlockInteractiveMs),
    ],
    [
      'ratio',
      pglite ? ratio(pglite.unlockModerateMs, pglite.unlockInteractiveMs) : '',
      native ? ratio(native.unlockModerateMs, native.unlockInteractiveMs) : '',
    ],
    [
      'records re-wrapped / s by a password change',
      num(pglite?.changePerSecond),
      num(native?.changePerSecond),
    ],
    [
      'records moved over / s at a first sign-in',
      num(pglite?.migratePerSecond),
      num(native?.migratePerSecond),
    ],
    [
      'baseline: records sealed / s (one transaction each)',
      num(pglite?.sealPerSecond),
      num(native?.sealPerSecond),
    ],
    [
      'ratio, password change to sealing',
      pglite ? ratio(pglite.changePerSecond, pglite.sealPerSecond) : '',
      native ? ratio(native.changePerSecond, native.sealPerSecond) : '',
    ],
  ]
  console.log(`\n${table(['', 'PGlite', 'native'], rows)}`)
}
