import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { sql } from 'kysely'
import { agent } from '../../../test/support/agent.ts'
import type { TestApp } from '../../../test/support/app.ts'
import { appWithDesk } from './testing/desk-setup.ts'
import { reportCount, sendDetained, shownReceipt } from './testing/forms.ts'

let t: TestApp

before(async () => {
  ;({ t } = await appWithDesk(['lawyer']))
})
after(() => t.close())

/** Every row of every table (the job queue's too), as PostgreSQL writes them out as text. */
async function logicalDump(): Promise<string> {
  const tables = await sql<{ name: string }>`
    SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`.execute(
    t.store.db,
  )
  const parts: string[] = []
  for (const { name } of tables.rows) {
    const rows = await sql<{ row: string }>`SELECT t::text AS row FROM ${sql.raw(name)} t`.execute(t.store.db)
    parts.push(...rows.rows.map((row) => row.row))
  }
  return parts.join('\n')
}

/** What the engine itself would hand over: PGlite's whole data directory, or pg_dump's output. */
function engineDump(): Promise<Buffer> | Buffer {
  if (t.store.dump) {
    return t.store.dump().then(async (stream) => {
      const chunks: Buffer[] = []
      for await (const chunk of stream) chunks.push(chunk as Buffer)
      return gunzipSync(Buffer.concat(chunks))
    })
  }
  const dumped = spawnSync('pg_dump', ['--format=plain', '--dbname', t.store.databaseUrl!], {
    maxBuffer: 1 << 30,
  })
  assert.equal(dumped.status, 0, String(dumped.stderr))
  return dumped.stdout
}

describe('sealing', () => {
  it('leaves nothing of 100 submissions readable in a dump of the database', async () => {
    const secrets: string[] = []
    const receipts: string[] = []
    for (let i = 0; i < 100; i++) {
      const tag = randomBytes(6).toString('hex')
      const name = `Фамилия${tag} Имя${i}`
      const phone = `+7 9${String(100_000_000 + i * 7919).slice(0, 9)}${i % 10}`
      const story = `Rare story ${tag} about the station`
      const station = `ОВД Станция-${tag}`
      secrets.push(name, phone, story, station)
      const writer = agent(t.app, i % 2 ? 'ru' : 'en')
      const response = await sendDetained(writer, {
        who: name,
        contact: phone,
        details: story,
        station,
        needs: 'lawyer',
      })
      assert.equal(response.statusCode, 201)
      receipts.push(shownReceipt(response.body))
    }
    assert.equal(await reportCount(t.store.db), 100)

    const logical = await logicalDump()
    const engine = (await engineDump()).toString('latin1')
    // Each text as it would appear: UTF-8 (raw pages, pg_dump) or hex of UTF-8 (a bytea as text).
    const forms = (value: string) => [
      Buffer.from(value).toString('latin1'),
      Buffer.from(value).toString('hex'),
      value,
    ]
    const found: string[] = []
    for (const value of [...secrets, ...receipts, ...receipts.map((r) => r.replaceAll('-', ''))]) {
      if (forms(value).some((form) => logical.includes(form) || engine.includes(form))) found.push(value)
    }
    assert.deepEqual(found, [], 'submitted text or receipts found in a dump')
    // The dumps hold the sealed rows: the test looks where the content would be.
    assert.ok(logical.includes('\\x'), 'the logical dump has the ciphertexts')
  })
})
