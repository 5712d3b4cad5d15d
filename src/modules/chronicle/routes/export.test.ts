import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { type Agent, agent } from '../../../../test/support/agent.ts'
import { type TestStore, testStore } from '../../../../test/support/db.ts'
import { type App, buildApp } from '../../../app.ts'
import { loadEnv } from '../../../env.ts'
import { findStoredFile } from '../../../platform/db/stored-files.ts'
import { JOBS_SCHEMA, startJobs } from '../../../platform/jobs/queue.ts'
import { exportChunks } from '../commands/export/stream.ts'
import { generateDemo } from '../demo/generate.ts'
import { EXPORT_KEEP_MS, exportJob, runQueuedExports } from '../jobs/export.ts'
import { csvColumns } from '../present/export-formats.ts'
import { countEvents } from '../queries/api-events.ts'
import { resolveFilter } from '../queries/filters.ts'
import { eventFilterSchema } from '../schema/filter.ts'
import { insertFixtures, marks } from '../testing/api-fixtures.ts'

let store: TestStore
let app: App
let ids: Awaited<ReturnType<typeof insertFixtures>>
const JOB_ROWS = 300

before(async () => {
  store = await testStore()
  ids = await insertFixtures(store.db)
  await generateDemo(store.db, { events: 500, seed: 5, batchSize: 500 })
  const env = loadEnv({ LIFELINE_DATA_DIR: store.dataDir, LIFELINE_PUBLIC_URL: 'http://localhost:8080' })
  app = await buildApp({
    store,
    env: { ...env, LIFELINE_EXPORT_JOB_ROWS: JOB_ROWS } as typeof env,
    logger: false,
  })
})
after(async () => {
  await app.close()
  await store.close()
})

/** Records of an RFC 4180 document, strictly: CRLF line ends, quotes only around whole fields. */
function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let i = 0
  while (i < text.length) {
    if (text[i] === '"') {
      i++
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote')
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"'
          i += 2
        } else if (text[i] === '"') break
        else field += text[i++]
      }
      i++
      if (text[i] !== ',' && text[i] !== '\r') throw new Error(`text after a closing quote at ${i}`)
    } else if (text[i] === ',') {
      record.push(field)
      field = ''
      i++
    } else if (text[i] === '\r') {
      if (text[i + 1] !== '\n') throw new Error('CR without LF')
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i += 2
    } else if (text[i] === '\n') throw new Error('bare LF')
    else field += text[i++]
  }
  if (field || record.length) throw new Error('last record does not end in CRLF')
  return records
}

const get = (url: string) => app.inject({ method: 'GET', url })
const expectedCount = async (query: Record<string, string | string[]>) =>
  countEvents(store.db, await resolveFilter(store.db, eventFilterSchema.parse(query)))

describe('streamed exports', () => {
  const filters: Record<string, string | string[]>[] = [
    { region: 'RU-SPE' },
    { type: ['detention', 'single_picket'], from: '2022-02', to: '2022-03' },
    { article: 'koap-20.3.3' },
    { q: 'обыски' },
  ]

  it('writes as many CSV, NDJSON and JSON records as the filter counts', async () => {
    for (const filter of filters) {
      const query = new URLSearchParams(
        Object.entries(filter).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, x])),
      ).toString()
      const expected = await expectedCount(filter)
      assert.ok(expected > 0 && expected <= JOB_ROWS, `${query}: ${expected}`)
      const csv = await get(`/chronicle/export.csv?${query}`)
      assert.equal(csv.statusCode, 200)
      assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/)
      assert.match(String(csv.headers['content-disposition']), /attachment; filename="chronicle-[\d-]+\.csv"/)
      const records = parseCsv(csv.body)
      assert.deepEqual(records[0], [...csvColumns])
      assert.equal(records.length - 1, expected, query)
      assert.ok(records.every((record) => record.length === csvColumns.length))
      const ndjson = (await get(`/chronicle/export.ndjson?${query}`)).body.split('\n').filter(Boolean)
      assert.equal(ndjson.map((line) => JSON.parse(line)).length, expected)
      const json = JSON.parse((await get(`/chronicle/export.json?${query}`)).body)
      assert.equal(json.length, expected)
    }
  })

  it('writes an empty filter result as a header, an empty array and nothing', async () => {
    assert.equal(parseCsv((await get('/chronicle/export.csv?region=XX-NONE')).body).length, 1)
    assert.deepEqual(JSON.parse((await get('/chronicle/export.json?region=XX-NONE')).body), [])
    assert.equal((await get('/chronicle/export.ndjson?region=XX-NONE')).body, '')
  })

  it('is UTF-8 without a byte order mark', async () => {
    const body = (await get('/chronicle/export.csv?region=RU-MOW')).rawPayload
    assert.notDeepEqual([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf])
    assert.match(body.toString('utf8'), /Москв/)
  })

  it('offers the CSV with a byte order mark for spreadsheet programs that need one, and only the CSV', async () => {
    const plain = (await get('/chronicle/export.csv?region=RU-MOW')).rawPayload
    const marked = (await get('/chronicle/export.csv?region=RU-MOW&bom=1')).rawPayload
    assert.deepEqual([...marked.subarray(0, 3)], [0xef, 0xbb, 0xbf])
    assert.deepEqual(marked.subarray(3), plain)
    const ndjson = (await get('/chronicle/export.ndjson?region=RU-MOW&bom=1')).rawPayload
    assert.notDeepEqual([...ndjson.subarray(0, 3)], [0xef, 0xbb, 0xbf])
    const list = await get('/chronicle?region=RU-MOW')
    assert.match(list.body, /href="\/chronicle\/export\.csv\?region&#61;RU-MOW&#38;bom=1"/)
  })

  it('prefixes every text cell a spreadsheet would run as a formula', async () => {
    const records = parseCsv((await get('/chronicle/export.csv?from=2024-01-01&to=2024-01-01')).body)
    const cells = records.slice(1).flat()
    for (const formula of marks.formulas) {
      assert.ok(cells.includes(`'${formula}`), `${JSON.stringify(formula)} is neutralised`)
      assert.ok(!cells.includes(formula))
    }
    assert.ok(
      cells.every((cell) => !/^[=+\-@\t\r]/.test(cell)),
      'no cell starts a formula',
    )
    const hostile = records.find((record) => record[0] === String(ids.hostile))!
    assert.equal(hostile[csvColumns.indexOf('title_ru')], marks.markup)
  })

  it('redacts every format: no unpublished event, no withheld name, no exact place or day of a sensitive event', async () => {
    for (const format of ['csv', 'ndjson', 'json']) {
      const body = (await get(`/chronicle/export.${format}?region=RU-TUL`)).body
      assert.doesNotMatch(body, new RegExp(marks.sensitiveDay), format)
      assert.doesNotMatch(body, new RegExp(String(marks.sensitiveLat)), format)
      const all = (await get(`/chronicle/export.${format}?from=2024-01-01&to=2024-12-31`)).body
      assert.doesNotMatch(all, new RegExp(marks.unpublished), format)
      assert.doesNotMatch(all, new RegExp(marks.withheld), format)
      assert.doesNotMatch(all, new RegExp(marks.withheldLatin), format)
    }
    const json = JSON.parse((await get('/chronicle/export.json?from=2024-01-01&to=2024-01-01')).body)
    const people = json.find((e: { id: number }) => e.id === ids.withPersons)
    assert.deepEqual(
      people.acts.map((act: { person: { shown: string } | null }) => act.person?.shown ?? null),
      [null, 'anonymous', 'named'],
    )
  })

  it('refuses a bad filter with a clear error and writes nothing', async () => {
    for (const query of [
      'from=2022-02-30',
      'region=%27%3B--',
      `q=${'x'.repeat(300)}`,
      'status=reported',
      'q=%00',
      'bom=yes',
    ]) {
      const response = await get(`/chronicle/export.csv?${query}`)
      assert.equal(response.statusCode, 400, query)
      assert.match(response.body, /ERR_INVALID_QUERY/)
    }
  })
})

describe('large exports', () => {
  let visitor: Agent

  before(() => {
    visitor = agent(app)
  })

  it('offers a background job above the threshold, runs it, and links to the file', async () => {
    const offer = await visitor.get('/chronicle/export.ndjson?status=verified')
    assert.equal(offer.statusCode, 200)
    assert.match(offer.body, /action="\/chronicle\/exports"/)
    const created = await visitor.post('/chronicle/exports', { format: 'ndjson', status: 'verified' })
    assert.equal(created.statusCode, 303)
    const page = String(created.headers.location)
    assert.match(page, /^\/chronicle\/exports\/[0-9a-f-]{36}$/)
    const waiting = await visitor.get(page)
    assert.equal(waiting.statusCode, 200)
    // It reloads itself only when the reader chose to follow it: unasked, a reload takes their place.
    assert.doesNotMatch(waiting.body, /http-equiv="refresh"/)
    assert.match(waiting.body, new RegExp(`href="${page}\\?follow=1"`))
    assert.match(waiting.body, /<progress/)
    const following = await visitor.get(`${page}?follow=1`)
    assert.match(following.body, /<meta http-equiv="refresh" content="5">/)
    // The same export asked again joins the one already waiting.
    const again = await visitor.post('/chronicle/exports', { format: 'ndjson', status: 'verified' })
    assert.equal(again.headers.location, page)

    assert.equal(await runQueuedExports(store.db), 1)
    const done = await visitor.get(page)
    assert.match(done.body, new RegExp(`href="${page}/download"`))
    const download = await visitor.get(`${page}/download`)
    assert.equal(download.statusCode, 200)
    const lines = download.body.split('\n').filter(Boolean)
    assert.equal(lines.length, await expectedCount({ status: 'verified' }))
    assert.doesNotMatch(download.body, new RegExp(marks.withheld))
    const job = await store.db.selectFrom('chronicle_jobs').selectAll().executeTakeFirstOrThrow()
    assert.equal(job.state, 'done')
    assert.equal(Number(job.done_rows), lines.length)
    // Kept in the database, where every app node reaches it; nothing in this node's data dir.
    const file = await findStoredFile(store.db, job.file_id!)
    assert.equal(file?.size, Buffer.byteLength(download.body))
    assert.equal(download.headers['content-length'], String(file?.size))
    assert.equal(existsSync(join(store.dataDir, 'exports')), false)
  })

  it('gives a finished CSV job with a byte order mark when asked, its length counting the mark', async () => {
    const created = await visitor.post('/chronicle/exports', { format: 'csv', status: 'verified' })
    assert.equal(created.statusCode, 303)
    const page = String(created.headers.location)
    await runQueuedExports(store.db)
    const done = await visitor.get(page)
    assert.match(done.body, new RegExp(`href="${page}/download\\?bom=1"`))
    const plain = await visitor.get(`${page}/download`)
    const marked = await visitor.get(`${page}/download?bom=1`)
    assert.equal(marked.statusCode, 200)
    assert.deepEqual([...marked.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf])
    assert.deepEqual(marked.rawPayload.subarray(3), plain.rawPayload)
    assert.equal(marked.headers['content-length'], String(plain.rawPayload.length + 3))
    assert.equal((await visitor.get(`${page}/download?bom=yes`)).statusCode, 400)
  })

  it("deletes a finished export's file a day later; its page then says so and the download is gone", async () => {
    const job = await store.db
      .selectFrom('chronicle_jobs')
      .select(['id', 'file_id'])
      .executeTakeFirstOrThrow()
    assert.ok(job.file_id)
    await store.db
      .updateTable('chronicle_jobs')
      .set({ finished_at: new Date(Date.now() - EXPORT_KEEP_MS + 60_000) })
      .where('id', '=', job.id)
      .execute()
    await runQueuedExports(store.db)
    assert.ok(await findStoredFile(store.db, job.file_id), 'kept until its day is over')
    await store.db
      .updateTable('chronicle_jobs')
      .set({ finished_at: new Date(Date.now() - EXPORT_KEEP_MS - 60_000) })
      .where('id', '=', job.id)
      .execute()
    await runQueuedExports(store.db)
    assert.equal(await findStoredFile(store.db, job.file_id), null)
    const row = await store.db
      .selectFrom('chronicle_jobs')
      .selectAll()
      .where('id', '=', job.id)
      .executeTakeFirstOrThrow()
    assert.deepEqual([row.state, row.file_id], ['done', null])
    const page = await get(`/chronicle/exports/${job.id}`)
    assert.equal(page.statusCode, 200)
    assert.doesNotMatch(page.body, new RegExp(`href="/chronicle/exports/${job.id}/download"`))
    assert.equal((await get(`/chronicle/exports/${job.id}/download`)).statusCode, 404)
  })

  it('refuses a job request without the form token, or with a bad format or filter, and queues nothing', async () => {
    const before = (await store.db.selectFrom('chronicle_jobs').select('id').execute()).length
    const forged = await visitor.post('/chronicle/exports', { format: 'csv' }, { csrf: 'forged' })
    assert.equal(forged.statusCode, 403)
    const forms: Record<string, string>[] = [
      { format: 'xlsx' },
      { format: 'csv', from: 'yesterday' },
      { format: 'csv', q: '\uFFFD' },
      {},
    ]
    for (const form of forms) {
      assert.equal((await visitor.post('/chronicle/exports', form)).statusCode, 400, JSON.stringify(form))
    }
    assert.equal((await store.db.selectFrom('chronicle_jobs').select('id').execute()).length, before)
  })

  it('runs at once through the job its request enqueued, with no sweep, on any node that works jobs', async () => {
    const jobs = await startJobs(store, { jobs: [exportJob] })
    try {
      const created = await visitor.post('/chronicle/exports', { format: 'csv', status: 'disputed' })
      assert.equal(created.statusCode, 303)
      const page = String(created.headers.location)
      const exportId = page.split('/').at(-1)!
      const queued = await store.pool.query(
        `SELECT data FROM ${JOBS_SCHEMA}.job WHERE name = $1 AND data->>'exportId' = $2`,
        [exportJob.name, exportId],
      )
      assert.equal(queued.rowCount, 1, 'the request enqueued its job in its own transaction')
      let body = ''
      for (let i = 0; i < 100 && !body.includes(`${page}/download`); i++) {
        await new Promise((resolve) => setTimeout(resolve, 200))
        body = (await visitor.get(page)).body
      }
      assert.match(body, new RegExp(`href="${page}/download"`))
      const download = await visitor.get(`${page}/download`)
      assert.equal(
        download.body.split('\r\n').filter(Boolean).length - 1,
        await expectedCount({ status: 'disputed' }),
      )
    } finally {
      await jobs.stop()
    }
  })

  it('answers 404 for an unknown or malformed export id', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope', "1'--"]) {
      assert.equal((await get(`/chronicle/exports/${encodeURIComponent(id)}`)).statusCode, 404)
      assert.equal((await get(`/chronicle/exports/${encodeURIComponent(id)}/download`)).statusCode, 404)
    }
  })
})

describe('export stream', () => {
  it('lets a reader stop part-way, with the next batch in flight, and leaves the database usable', async () => {
    const filter = await resolveFilter(store.db, {})
    const published = await countEvents(store.db, filter)
    let chunks = 0
    for await (const chunk of exportChunks(store.db, filter, 'ndjson', {
      publicUrl: 'http://x',
      batchSize: 100,
    })) {
      assert.ok(chunk.length >= 0)
      chunks += 1
      if (chunks === 3) break
    }
    assert.equal(chunks, 3)
    // The read started for the next batch ends on its own; later queries are answered as usual.
    assert.equal(await countEvents(store.db, filter), published)
    assert.ok(published > 300)
  })
})

describe('export memory', () => {
  it('stays about one batch in size however many rows go out', async () => {
    // Ten batches of 800: enough to tell a heap that stays one batch in size from one that grows.
    await generateDemo(store.db, { events: 8000, seed: 9, batchSize: 4000 })
    const filter = await resolveFilter(store.db, {})
    const total = await countEvents(store.db, filter)
    // Collect garbage before each reading, so what is measured is what the export keeps, not what
    // it has not yet thrown away.
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    gc()
    const start = process.memoryUsage().heapUsed
    const readings: number[] = []
    let bytes = 0
    let lines = 0
    for await (const chunk of exportChunks(store.db, filter, 'csv', {
      publicUrl: 'http://x',
      batchSize: 800,
    })) {
      bytes += Buffer.byteLength(chunk)
      lines += chunk.split('\r\n').length - 1
      gc()
      readings.push(process.memoryUsage().heapUsed - start)
    }
    assert.equal(lines - 1, total)
    assert.ok(total > 6500, String(total))
    // Sanity bounds, not a benchmark: the heap holds about one batch, and does not grow with the rows.
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`
    const half = Math.floor(readings.length / 2)
    const early = Math.max(...readings.slice(0, half))
    const late = Math.max(...readings.slice(half))
    assert.ok(late < early + 4e6, `heap ${mb(early)} in the first half, ${mb(late)} in the second`)
    assert.ok(Math.max(...readings) < 32e6, `heap grew ${mb(Math.max(...readings))} for ${mb(bytes)} of CSV`)
  })
})
