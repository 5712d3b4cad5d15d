import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { z } from 'zod'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { defineJob, enqueue, JOBS_SCHEMA, type Jobs, startJobs } from './queue.ts'

// What the job below was given, in the order it ran.
const received: { label: string; count: number }[] = []
const noteJob = defineJob({
  name: 'test-note',
  payload: z.object({ label: z.string().min(1), count: z.number().int() }),
  async handler(_db, data) {
    received.push(data)
  },
})

let store: TestStore
let jobs: Jobs
before(async () => {
  store = await testStore()
  jobs = await startJobs(store, { jobs: [noteJob] })
})
after(async () => {
  await jobs.stop()
  await store.close()
})

async function waitingRows(): Promise<number> {
  const { rows } = await store.pool.query(
    `SELECT count(*)::int AS n FROM ${JOBS_SCHEMA}.job WHERE name = $1`,
    [noteJob.name],
  )
  return rows[0].n
}

describe('jobs enqueued in a transaction', () => {
  it('leave no job when the transaction rolls back', async () => {
    const before = await waitingRows()
    await assert.rejects(
      store.db.transaction().execute(async (trx) => {
        await enqueue(trx, noteJob, { label: 'rolled back', count: 1 })
        throw new Error('the request failed after enqueueing')
      }),
      /the request failed/,
    )
    assert.equal(await waitingRows(), before)
  })

  it('run with their payload once the transaction commits', async () => {
    const id = await store.db
      .transaction()
      .execute((trx) => enqueue(trx, noteJob, { label: 'kept', count: 2 }))
    assert.ok(id)
    for (let i = 0; i < 100 && !received.some((data) => data.label === 'kept'); i++) await sleep(100)
    assert.deepEqual(
      received.filter((data) => data.label === 'kept'),
      [{ label: 'kept', count: 2 }],
    )
    assert.ok(!received.some((data) => data.label === 'rolled back'))
  })

  it('refuse a payload their schema does not accept, writing nothing', async () => {
    const before = await waitingRows()
    await assert.rejects(
      store.db
        .transaction()
        .execute((trx) =>
          enqueue(trx, noteJob, { label: '', count: 1.5 } as { label: string; count: number }),
        ),
      z.ZodError,
    )
    assert.equal(await waitingRows(), before)
  })
})
