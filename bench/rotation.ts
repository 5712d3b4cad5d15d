/**
 * The rotation suite (`npm run bench -- rotation [--records N] [--engine pglite|native]`): re-keying a
 * desk of 2,000 sealed records (or N) with 3 members, as a coordinator's "Re-key this desk's records"
 * does (src/platform/crypto/desk-rotation.ts: batches of ROTATION_BATCH records, each its own
 * transaction, in this process), on embedded PGlite and on native PostgreSQL. Beside it, sealing the
 * same records one transaction each: a rotation opens, re-seals and re-wraps every record, so it
 * should cost a small multiple of sealing it once.
 */
import { join } from 'node:path'
import { rotationRunner } from '../src/platform/crypto/desk-rotation.ts'
import { attachErasureKeys } from '../src/platform/crypto/erasure-keys.ts'
import { randomBytes } from '../src/platform/crypto/primitives.ts'
import {
  addDeskMember,
  createDesk,
  type KeyHolder,
  sealRecord,
} from '../src/platform/crypto/sealed-records.ts'
import { openStore } from '../src/platform/db/database.ts'
import { migrateToLatest } from '../src/platform/db/migrate.ts'
import { keyHolder } from '../test/support/factories.ts'
import { onEachEngine } from './support/engines.ts'
import { recordsArgument, tempDir } from './support/processes.ts'
import { num, ratio, table } from './support/report.ts'

/** One line for `npm run bench -- --list`. */
export const description =
  'desk rotation: records re-keyed per second, 2,000 records and 3 members; PGlite and native'

const MEMBERS = 3
// About what a help-desk report weighs once padded and sealed.
const CONTENT_BYTES = 1024

type Figures = { sealPerSecond: number; rotatePerSecond: number; done: number }

async function measure(engine: string, records: number, databaseUrl?: string): Promise<Figures> {
  const dir = tempDir(`lifeline-bench-rotation-${engine}-`)
  const store = await openStore({
    dataDir: join(dir, 'data'),
    databaseUrl,
    serverKeyFile: join(dir, 'server.key'),
  })
  attachErasureKeys(store, { dataDir: join(dir, 'data'), dir: join(dir, 'erasure-keys') })
  try {
    await migrateToLatest(store.db)
    const members: KeyHolder[] = []
    for (let i = 0; i < MEMBERS; i++) members.push(await keyHolder(store.db, `member${i}`))
    const deskId = await createDesk(store.db, { slug: 'bench', name: 'Bench' })
    for (const member of members) {
      await addDeskMember(store.db, { deskId, userId: member.userId, actorId: members[0]!.userId })
    }
    const sealStart = performance.now()
    for (let i = 0; i < records; i++) {
      await sealRecord(store.db, { deskId, kind: 'report', content: randomBytes(CONTENT_BYTES) })
    }
    const sealSeconds = (performance.now() - sealStart) / 1000

    const runner = rotationRunner(store.db, { log: (error) => console.error(error) })
    const rotateStart = performance.now()
    await runner.start(deskId, members[0]!)
    await runner.settled()
    const rotateSeconds = (performance.now() - rotateStart) / 1000
    const row = await store.db
      .selectFrom('desk_rotations')
      .select(['done', 'state'])
      .executeTakeFirstOrThrow()
    if (row.state !== 'finished' || row.done !== records)
      throw new Error(`rotation ended ${row.state}, ${row.done} done`)
    const figures = {
      sealPerSecond: records / sealSeconds,
      rotatePerSecond: records / rotateSeconds,
      done: row.done,
    }
    console.log(
      `[${engine}] sealed ${records} in ${num(sealSeconds, 1)} s, rotated them in ${num(rotateSeconds, 1)} s`,
    )
    return figures
  } finally {
    await store.close()
  }
}

/** Runs the suite. */
export async function run(): Promise<void> {
  const records = recordsArgument(2000)
  const { pglite, native } = await onEachEngine((engine, url) => measure(engine, records, url))
  const rows = [
    ['records rotated / s', num(pglite?.rotatePerSecond), num(native?.rotatePerSecond)],
    ['records sealed / s (one transaction each)', num(pglite?.sealPerSecond), num(native?.sealPerSecond)],
    [
      'rotation cost in seals',
      ratio(pglite?.sealPerSecond, pglite?.rotatePerSecond),
      ratio(native?.sealPerSecond, native?.rotatePerSecond),
    ],
  ]
  console.log(`\n${table(['figure', 'pglite', 'native'], rows)}`)
  console.log(
    `\nA desk of ${records.toLocaleString('en')} records of ${CONTENT_BYTES} bytes sealed to ${MEMBERS} members, re-keyed by` +
      '\none member through the rotation runner (batches of ROTATION_BATCH, each its own transaction).',
  )
}
