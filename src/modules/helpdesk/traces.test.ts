/**
 * What a writer leaves behind on a seized server: no file, row or log line may say when they wrote
 * more finely than the ten-minute window. A writer sends a report (with a proof of work), comes back
 * with the receipt, answers the desk and mistypes the receipt once; every file in the erasure-keys
 * folder and beside the database, every timestamp column of every table, and every log line are read
 * before and after, and nothing new may carry a time that is not on a window's boundary.
 */
import assert from 'node:assert/strict'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { type Agent, agent } from '../../../test/support/agent.ts'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { createStaff } from '../../../test/support/factories.ts'
import { type App, buildApp } from '../../app.ts'
import { loadEnv } from '../../env.ts'
import { windowedAudit } from '../../platform/audit.ts'
import { isCoarse } from '../../platform/coarse-time.ts'
import { refillErasureKeys } from '../../platform/crypto/erasure-key-pool.ts'
import { DATA_DIR_LOCK_NAME } from '../../platform/db/data-dir-lock.ts'
import { newReceipt } from '../../platform/intake/receipts.ts'
import { addMessage } from './commands/add-message.ts'
import { helpdeskWith } from './testing/desk-setup.ts'
import { formToken, shownReceipt, solvedProof } from './testing/forms.ts'

let store: TestStore
let app: App
const logLines: string[] = []

before(async () => {
  store = await testStore()
  const logs = new PassThrough()
  logs.on('data', (chunk: Buffer) => logLines.push(...chunk.toString().split('\n').filter(Boolean)))
  const env = loadEnv({ LIFELINE_DATA_DIR: store.dataDir, LOG_LEVEL: 'info' })
  app = await buildApp({ store, env, logStream: logs })
  const admin = await createStaff(store.db, { roles: ['admin'] })
  const lawyer = await createStaff(store.db, { roles: ['lawyer'] })
  await helpdeskWith(store.db, admin.id, [lawyer.id])
  // What the ten-minute job does on a running server (jobs/stock-erasure-keys.ts).
  await refillErasureKeys(store.db, 20)
})
after(async () => {
  await app.close()
  await store.close()
})

// A folder's access time is left out: this walk's own listing of it sets it.
type FileTimes = Map<string, { atimeMs?: number; mtimeMs: number; ctimeMs: number }>

// Every file and folder under `dir`, with its times; the database's own storage and the lock folder
// (refreshed every two seconds whatever happens) are not Lifeline's writing.
function filesUnder(dir: string, skip: string[] = []): FileTimes {
  const found: FileTimes = new Map()
  const walk = (path: string) => {
    const stats = statSync(path)
    const { mtimeMs, ctimeMs } = stats
    if (!stats.isDirectory()) {
      found.set(path, { atimeMs: stats.atimeMs, mtimeMs, ctimeMs })
      return
    }
    found.set(path, { mtimeMs, ctimeMs })
    for (const name of readdirSync(path)) if (!skip.includes(name)) walk(join(path, name))
  }
  walk(dir)
  return found
}

function allFiles(): FileTimes {
  return new Map([
    ...filesUnder(store.erasureKeys.dir),
    ...filesUnder(store.dataDir, ['pglite', DATA_DIR_LOCK_NAME]),
  ])
}

// Every value of every timestamp column in the database (Lifeline's tables and the job queue's),
// as "table.column=epoch ms".
async function allTimestamps(): Promise<Set<string>> {
  const columns = await sql<{ schema: string; table: string; column: string }>`
    SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column
    FROM information_schema.columns c
    JOIN information_schema.tables t USING (table_schema, table_name)
    WHERE c.table_schema IN ('public', 'pgboss') AND t.table_type = 'BASE TABLE'
      AND c.data_type IN ('timestamp with time zone', 'timestamp without time zone')`.execute(store.db)
  const values = new Set<string>()
  for (const { schema, table, column } of columns.rows) {
    const rows = await sql<{ ms: string }>`
      SELECT (extract(epoch FROM ${sql.ref(`${schema}.${table}.${column}`)}) * 1000)::bigint::text AS ms
      FROM ${sql.table(`${schema}.${table}`)} WHERE ${sql.ref(column)} IS NOT NULL`.execute(store.db)
    for (const row of rows.rows) values.add(`${schema}.${table}.${column}=${row.ms}`)
  }
  assert.ok(columns.rows.length > 20, 'the walk sees the schema')
  return values
}

type Traces = { files: FileTimes; rows: Set<string>; lines: number }

async function traces(): Promise<Traces> {
  return { files: allFiles(), rows: await allTimestamps(), lines: logLines.length }
}

// Everything new since `before` is dated to a window's boundary: files (made, changed or read), rows
// and log lines.
async function assertOnlyCoarseSince(before: Traces) {
  const files = allFiles()
  for (const [path, times] of files) {
    const earlier = before.files.get(path)
    for (const which of ['atimeMs', 'mtimeMs', 'ctimeMs'] as const) {
      const time = times[which]
      if (time === undefined || (earlier && earlier[which] === time)) continue
      const at = new Date(Math.floor(time))
      assert.ok(isCoarse(at), `${path} got ${which} ${at.toISOString()}`)
    }
  }
  assert.ok(files.size > 20, 'the walk sees the erasure keys')
  const added = [...(await allTimestamps())].filter((value) => !before.rows.has(value))
  const exact = added.filter((value) => !isCoarse(new Date(Number(value.split('=')[1]))))
  assert.deepEqual(exact, [], 'no exact time in any row')
  for (const line of logLines.slice(before.lines)) {
    const { time, msg } = JSON.parse(line) as { time: number; msg: string }
    assert.ok(isCoarse(new Date(time)), `log line "${msg}" is dated exactly`)
  }
}

describe('what a writer leaves behind', () => {
  let someone: Agent
  let receipt = ''

  it('sending a report, with a proof of work, keeps no exact time in any file, row or log line', async () => {
    const before = await traces()
    // From an address of its own: from loopback (an onion service) no proof is needed, or spent.
    someone = agent(app, 'en', { address: '203.0.113.9' })
    const form = await someone.get('/help/detained')
    const proof = await solvedProof(store.db)
    const sent = await someone.post(`/help/detained?altcha=${encodeURIComponent(proof)}`, {
      token: formToken(form.body),
      who: 'Someone at the metro',
      needs: ['lawyer'],
    })
    assert.equal(sent.statusCode, 201)
    receipt = shownReceipt(sent.body)
    const spent = await store.db.selectFrom('helpdesk_spent_proofs').selectAll().execute()
    assert.equal(spent.length, 1, 'the proof was spent')
    await assertOnlyCoarseSince(before)
  })

  it('coming back with the receipt, answering and mistyping it keep none either', async () => {
    // The desk answers first: staff work, dated exactly, and outside what is checked.
    const report = await store.db.selectFrom('helpdesk_reports').select('id').executeTakeFirstOrThrow()
    await addMessage(store.db, { reportId: report.id, author: 'desk', authorId: null, text: 'We are on it' })
    const before = await traces()
    const back = await someone.post('/help/report', { receipt })
    assert.equal(back.statusCode, 200)
    assert.match(back.body, /We are on it/)
    const answered = await someone.post('/help/report/reply', {
      receipt,
      message: 'Thank you',
      token: formToken(back.body),
    })
    assert.equal(answered.statusCode, 200)
    const miss = await someone.post('/help/report', { receipt: newReceipt() })
    assert.equal(miss.statusCode, 404)
    await windowedAudit(store.db, 'helpdesk.receipt_misses').flush()
    await assertOnlyCoarseSince(before)
  })
})
