import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { engine, type TestStore, testStore } from '../../../test/support/db.ts'
import { DataDirLockedError, openStore } from './database.ts'
import { migrateDown, migrateToLatest, pendingMigrations } from './migrate.ts'

let store: TestStore
before(async () => {
  store = await testStore()
})
after(() => store.close())

describe('the store', () => {
  it('has every migration applied', async () => {
    assert.deepEqual(await pendingMigrations(store.db), [])
  })

  it('can take each migration down and up again', async () => {
    const reverted = await migrateDown(store.db)
    assert.equal(reverted.length, 1)
    assert.deepEqual(await pendingMigrations(store.db), reverted)
    assert.deepEqual(await migrateToLatest(store.db), reverted)
  })

  it('rolls back a failed transaction completely', async () => {
    await assert.rejects(
      store.db.transaction().execute(async (trx) => {
        await trx.insertInto('settings').values({ key: 'rolled-back', value: '1' }).execute()
        throw new Error('boom')
      }),
    )
    const row = await store.db
      .selectFrom('settings')
      .select('key')
      .where('key', '=', 'rolled-back')
      .executeTakeFirst()
    assert.equal(row, undefined)
  })

  it('keeps overlapping transactions apart: a rolled-back one leaves nothing behind', async () => {
    const write = (key: string, fail: boolean) =>
      store.db.transaction().execute(async (trx) => {
        await trx.insertInto('settings').values({ key, value: '1' }).execute()
        await new Promise((resolve) => setTimeout(resolve, 20))
        if (fail) throw new Error('rolled back on purpose')
      })
    const results = await Promise.allSettled([
      write('overlap-a', true),
      write('overlap-b', false),
      write('overlap-c', true),
    ])
    assert.deepEqual(
      results.map((result) => result.status),
      ['rejected', 'fulfilled', 'rejected'],
    )
    const keys = await store.db
      .selectFrom('settings')
      .select('key')
      .where('key', 'like', 'overlap-%')
      .execute()
    assert.deepEqual(
      keys.map((row) => row.key),
      ['overlap-b'],
    )
  })

  it('runs a heavy query without blocking this process', async () => {
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    await sql`SELECT count(*) FROM generate_series(1, 2000000) AS n WHERE n % 7 = 0`.execute(store.db)
    clearInterval(timer)
    assert.ok(ticks > 3, `the event loop ran ${ticks} times during the query`)
  })

  it('keeps the audit log append-only', async () => {
    await store.db.insertInto('audit_log').values({ actor_id: null, action: 'test.event' }).execute()
    await assert.rejects(sql`UPDATE audit_log SET action = 'rewritten'`.execute(store.db), /append-only/)
    await assert.rejects(sql`DELETE FROM audit_log`.execute(store.db), /append-only/)
  })

  it('has the russian and english text search configurations and pg_trgm', async () => {
    const { rows } = await sql<{ ru: string; trgm: number }>`
      SELECT to_tsvector('russian', 'задержания')::text AS ru, similarity('Тула', 'Тулa') AS trgm`.execute(
      store.db,
    )
    assert.match(rows[0]!.ru, /задержан/)
    assert.ok(rows[0]!.trgm > 0)
  })

  it('refuses a second process on the same embedded data dir', { skip: engine !== 'pglite' }, async () => {
    await assert.rejects(openStore({ dataDir: store.dataDir }), DataDirLockedError)
  })
})
