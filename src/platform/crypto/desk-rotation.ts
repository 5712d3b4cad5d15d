/**
 * Re-keying a desk's records after a member left or was disabled. Deleting their key rows takes away
 * what the database would give them; but a member who copied a wrapped key (or a record's key) before
 * leaving could still open the record's ciphertext with it. A rotation seals every record of the desk
 * again under a fresh key wrapped to the current members only (`rotateRecord`), so what they kept
 * opens nothing the database still holds. What they already read or copied in clear stays theirs.
 *
 * Rotating opens each record, so it needs a member's private key, which exists only in their session:
 * the work can't be a queued job with a key in the database. It runs in the process that took the
 * request, in batches (each its own transaction, so sealing and reading go on between them), holding
 * a copy of the key pair in secure memory until it ends and zeroing it then. Its progress is a row of
 * `desk_rotations` that any node can show; the records still to do are listed in
 * `desk_rotation_records` when it starts, so records sealed later (already sealed to the current
 * members) are never touched and a rotation cut short carries on where it stopped. A row still
 * 'running' whose heartbeat is older than a minute belongs to a process that is gone: it shows as
 * interrupted, and starting the desk's rotation again resumes it. One rotation per desk runs at a time
 * (a unique partial index, and the desk's lock while one starts).
 */
import { type ColumnType, sql } from 'kysely'
import { audit } from '../audit.ts'
import { coarseFloor } from '../coarse-time.ts'
import type { Db } from '../db/database.ts'
import { CryptoError, secureCopy } from './primitives.ts'
import { isUuid, rotateRecord, SealedError } from './sealed-records.ts'
import { inTransaction, isDeskMember, type KeyHolder, lockDesk } from './sealed-support.ts'

declare module '../db/tables.ts' {
  interface Database {
    desk_rotations: {
      id: ColumnType<string, string | undefined, never>
      desk_id: string
      started_by: string | null
      state: 'running' | 'finished' | 'stopped'
      total: number
      done: ColumnType<number, number | undefined, number>
      unopened: ColumnType<number, number | undefined, number>
      started_at: Date
      finished_at: Date | null
      heartbeat_at: ColumnType<Date, Date | undefined, Date>
    }
    desk_rotation_records: { rotation_id: string; record_id: string }
  }
}

/**
 * Records re-keyed per transaction: small enough that a batch holds the embedded database's one
 * connection for a fraction of a second, so the help desk keeps answering while a large desk rotates.
 */
export const ROTATION_BATCH = 50
/** A running rotation whose heartbeat is older than this is taken to be dead (its process is gone). */
export const STALE_SECONDS = 60

/** Where a rotation stands, as its progress page shows it. */
export type RotationState = 'running' | 'interrupted' | 'finished' | 'stopped'

/** A rotation's progress. `unopened` counts records the rotator held no working key to, left as they were. */
export type RotationView = {
  id: string
  deskId: string
  state: RotationState
  total: number
  done: number
  unopened: number
  startedAt: Date
  finishedAt: Date | null
}

/** How a request to rotate a desk went: a new rotation, an interrupted one resumed, or one already alive. */
export type RotationStart = { id: string; outcome: 'started' | 'resumed' | 'running' }

/** Starts and runs rotations in this process; one per app. */
export type RotationRunner = {
  /**
   * Starts a rotation of the desk's records (or resumes its interrupted one) and runs it in the
   * background. The rotator's key pair is copied; the caller zeroes its own. Throws SealedError
   * ERR_NOT_DESK_MEMBER when the rotator is not a current, enabled member (they hold no keys to use).
   */
  start(deskId: string, rotator: KeyHolder): Promise<RotationStart>
  /** Resolves when every run started here has ended. */
  settled(): Promise<void>
  /** Stops runs after their current batch (the app is closing); their rows later show as interrupted. */
  close(): Promise<void>
}

/** Makes the runner of one app. `batchSize` is for tests; `log` hears a run that failed. */
export function rotationRunner(
  db: Db,
  options: { batchSize?: number; log?: (error: unknown, message: string) => void } = {},
): RotationRunner {
  const active = new Map<string, Promise<void>>()
  let closing = false
  const batchSize = options.batchSize ?? ROTATION_BATCH

  const run = async (rotationId: string, deskId: string, rotator: KeyHolder) => {
    try {
      while (!closing) {
        const step = await db
          .transaction()
          .execute((trx) => rotateBatch(trx, rotationId, deskId, rotator, batchSize))
        if (step !== 'more') return
        // Lets queued requests have the connection between batches.
        await new Promise((resolve) => setImmediate(resolve))
      }
    } catch (error) {
      // A failed batch rolls back whole (on native PostgreSQL, say, a deadlock with a regrant of the
      // same desk, which share-locks all its records in scan order while a batch holds some of them).
      // The row stays 'running'; a minute later it shows as interrupted and can be resumed.
      options.log?.(error, 'desk rotation failed')
    } finally {
      rotator.keyPair.privateKey.fill(0)
      active.delete(rotationId)
    }
  }

  return {
    async start(deskId, holder) {
      if (closing) throw new Error('The rotation runner is closed')
      const begun = await beginRotation(db, deskId, holder.userId, active)
      if (begun.outcome !== 'running') {
        // A copy in secure memory, owned by the run: the caller's buffer is left as it was.
        const privateKey = secureCopy(Buffer.from(holder.keyPair.privateKey))
        const rotator = {
          userId: holder.userId,
          keyPair: { publicKey: holder.keyPair.publicKey, privateKey },
        }
        active.set(begun.id, run(begun.id, deskId, rotator))
      }
      return begun
    },
    async settled() {
      while (active.size) await Promise.all(active.values())
    },
    async close() {
      closing = true
      await this.settled()
    },
  }
}

/**
 * Creates the desk's rotation, or takes over its dead one (`activeHere`: the runs of this process,
 * alive whatever their heartbeat says). The desk's lock makes concurrent starts, on any node, wait for
 * each other. The runner calls this; tests call it to rotate batch by batch.
 */
export async function beginRotation(
  db: Db,
  deskId: string,
  rotatorId: string,
  activeHere: ReadonlyMap<string, unknown> = new Map(),
): Promise<RotationStart> {
  return inTransaction(db, (trx) => begin(trx, deskId, rotatorId, activeHere))
}

async function begin(
  trx: Db,
  deskId: string,
  rotatorId: string,
  activeHere: ReadonlyMap<string, unknown>,
): Promise<RotationStart> {
  await lockDesk(trx, deskId, 'update')
  if (!(await mayRotate(trx, deskId, rotatorId))) {
    throw new SealedError('ERR_NOT_DESK_MEMBER', `User ${rotatorId} can't rotate desk ${deskId}`)
  }
  const running = await trx
    .selectFrom('desk_rotations')
    .select(['id', sql<boolean>`heartbeat_at < now() - make_interval(secs => ${STALE_SECONDS})`.as('stale')])
    .where('desk_id', '=', deskId)
    .where('state', '=', 'running')
    .executeTakeFirst()
  if (running && (!running.stale || activeHere.has(running.id))) return { id: running.id, outcome: 'running' }
  if (running) {
    await trx
      .updateTable('desk_rotations')
      .set({ started_by: rotatorId, heartbeat_at: sql<Date>`now()` })
      .where('id', '=', running.id)
      .execute()
    await audit(trx, {
      actorId: rotatorId,
      action: 'desk.rotation_resumed',
      target: deskId,
      detail: { deskId, rotationId: running.id },
    })
    return { id: running.id, outcome: 'resumed' }
  }
  const { count } = await trx
    .selectFrom('sealed_records')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('desk_id', '=', deskId)
    .executeTakeFirstOrThrow()
  const total = Number(count)
  const { id } = await trx
    .insertInto('desk_rotations')
    .values({ desk_id: deskId, started_by: rotatorId, state: 'running', total, started_at: coarseFloor() })
    .returning('id')
    .executeTakeFirstOrThrow()
  await trx
    .insertInto('desk_rotation_records')
    .columns(['rotation_id', 'record_id'])
    .expression((eb) =>
      eb
        .selectFrom('sealed_records')
        .select([sql<string>`${id}::uuid`.as('rotation_id'), 'id'])
        .where('desk_id', '=', deskId),
    )
    .execute()
  await audit(trx, {
    actorId: rotatorId,
    action: 'desk.rotation_started',
    target: deskId,
    detail: { deskId, rotationId: id, total },
  })
  return { id, outcome: 'started' }
}

// Only a current member whose account is enabled: a disabled account's keys are gone, and a rotation
// must never run on behalf of one.
async function mayRotate(trx: Db, deskId: string, userId: string): Promise<boolean> {
  if (!(await isDeskMember(trx, deskId, userId))) return false
  const user = await trx.selectFrom('users').select('disabled_at').where('id', '=', userId).executeTakeFirst()
  return !!user && user.disabled_at === null
}

/**
 * Re-keys the next batch of a rotation's records in the caller's transaction; says whether more are
 * left. Exported for the tests that stop a rotation part-way; the runner is the way to rotate.
 */
export async function rotateBatch(
  trx: Db,
  rotationId: string,
  deskId: string,
  rotator: KeyHolder,
  batchSize = ROTATION_BATCH,
): Promise<'more' | 'finished' | 'stopped'> {
  return inTransaction(trx, async (trx) => {
    await lockDesk(trx, deskId, 'share')
    const row = await trx
      .selectFrom('desk_rotations')
      .select(['state', 'done', 'unopened'])
      .where('id', '=', rotationId)
      .forUpdate()
      .executeTakeFirst()
    if (row?.state !== 'running') return 'stopped'
    if (!(await mayRotate(trx, deskId, rotator.userId))) {
      await endRotation(trx, rotationId, deskId, rotator.userId, 'stopped', row)
      return 'stopped'
    }
    const pending = await trx
      .selectFrom('desk_rotation_records')
      .select('record_id')
      .where('rotation_id', '=', rotationId)
      .orderBy('record_id')
      .limit(batchSize)
      .execute()
    if (!pending.length) {
      await endRotation(trx, rotationId, deskId, rotator.userId, 'finished', row)
      return 'finished'
    }
    let done = 0
    let unopened = 0
    for (const { record_id } of pending) {
      const outcome = await rotateOne(trx, record_id, rotator)
      if (outcome === 'rotated') done++
      else if (outcome === 'unopened') unopened++
    }
    const ids = pending.map((item) => item.record_id)
    await trx
      .deleteFrom('desk_rotation_records')
      .where('rotation_id', '=', rotationId)
      .where('record_id', 'in', ids)
      .execute()
    await trx
      .updateTable('desk_rotations')
      .set({ done: row.done + done, unopened: row.unopened + unopened, heartbeat_at: sql<Date>`now()` })
      .where('id', '=', rotationId)
      .execute()
    return 'more'
  })
}

// A record the rotator holds no key to (or one that no longer opens: their key pair changed) is left
// as it was and counted, so the page can say a member who can open it should rotate again. A record
// shredded meanwhile is simply gone.
async function rotateOne(
  trx: Db,
  recordId: string,
  rotator: KeyHolder,
): Promise<'rotated' | 'unopened' | 'gone'> {
  try {
    await rotateRecord(trx, { recordId, rotator })
    return 'rotated'
  } catch (error) {
    const unopenable =
      error instanceof CryptoError || (error instanceof SealedError && error.code === 'ERR_SEALED_NOT_FOUND')
    if (!unopenable) throw error
    const exists = await trx
      .selectFrom('sealed_records')
      .select('id')
      .where('id', '=', recordId)
      .executeTakeFirst()
    return exists ? 'unopened' : 'gone'
  }
}

async function endRotation(
  trx: Db,
  rotationId: string,
  deskId: string,
  actorId: string,
  state: 'finished' | 'stopped',
  counts: { done: number; unopened: number },
): Promise<void> {
  await trx.deleteFrom('desk_rotation_records').where('rotation_id', '=', rotationId).execute()
  await trx
    .updateTable('desk_rotations')
    .set({ state, finished_at: coarseFloor(), heartbeat_at: sql<Date>`now()` })
    .where('id', '=', rotationId)
    .execute()
  await audit(trx, {
    actorId,
    action: state === 'finished' ? 'desk.rotation_finished' : 'desk.rotation_stopped',
    target: deskId,
    detail: { deskId, rotationId, done: counts.done, unopened: counts.unopened },
  })
}

function rotationQuery(db: Db) {
  return db
    .selectFrom('desk_rotations')
    .select(['id', 'desk_id', 'state', 'total', 'done', 'unopened', 'started_at', 'finished_at'])
    .select(sql<boolean>`heartbeat_at < now() - make_interval(secs => ${STALE_SECONDS})`.as('stale'))
}

type RotationRow = Awaited<ReturnType<ReturnType<typeof rotationQuery>['executeTakeFirstOrThrow']>>

function present(row: RotationRow): RotationView {
  return {
    id: row.id,
    deskId: row.desk_id,
    state: row.state === 'running' && row.stale ? 'interrupted' : row.state,
    total: row.total,
    done: row.done,
    unopened: row.unopened,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  }
}

/** One rotation of the desk, or null (a malformed or unknown id, or another desk's rotation). */
export async function findRotation(db: Db, deskId: string, rotationId: string): Promise<RotationView | null> {
  if (!isUuid(rotationId)) return null
  const row = await rotationQuery(db)
    .where('id', '=', rotationId)
    .where('desk_id', '=', deskId)
    .executeTakeFirst()
  return row ? present(row) : null
}

/** The desk's latest rotation, or null if it was never rotated. */
export async function latestRotation(db: Db, deskId: string): Promise<RotationView | null> {
  const row = await rotationQuery(db)
    .where('desk_id', '=', deskId)
    .orderBy(sql`state = 'running'`, 'desc')
    .orderBy('started_at', 'desc')
    .orderBy('finished_at', (order) => order.desc().nullsFirst())
    .limit(1)
    .executeTakeFirst()
  return row ? present(row) : null
}
