import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import { after, before, test } from 'node:test'
import { sql } from 'kysely'
import type { Agent } from '../../../../../test/support/agent.ts'
import { agent } from '../../../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../../../test/support/app.ts'
import { createStaff, signIn } from '../../../../../test/support/factories.ts'
import { findStoredFile, storeFile } from '../../../../platform/db/stored-files.ts'
import { JOBS_SCHEMA } from '../../../../platform/jobs/queue.ts'
import { expireImportFiles } from '../../jobs/expire-import-files.ts'
import { importJob } from '../../jobs/import.ts'
import { findMapping } from '../../queries/import-mappings.ts'
import { ensureImportTerms } from '../../testing/import.ts'
import { startImportJob } from './jobs.ts'
import type { Mapping } from './mapping.ts'
import { type ImportParams, instance, recoverImports, runImportJob, settleImports } from './run-job.ts'

const ovdinfo = readFileSync(
  new URL('../../../../../test/fixtures/ovdinfo-moscow-2011-2012.csv', import.meta.url),
)
const hour = 3600 * 1000
let context: TestApp
let editor: Agent
let coordinator: Agent
let mapping: Mapping

before(async () => {
  context = await testApp({ jobs: [importJob] })
  await ensureImportTerms(context.store.db)
  editor = await signIn(context.app, await createStaff(context.store.db, { roles: ['editor'] }))
  coordinator = await signIn(context.app, await createStaff(context.store.db, { roles: ['coordinator'] }))
  mapping = (await findMapping(context.store.db, 'ovdinfo-moscow-2011-2012'))!
})
after(async () => {
  await settleImports(context.store.db)
  await context.close()
})

/** A copy of the OVD-Info file where the upload form keeps files (the database); its id. */
async function keptFile(): Promise<string> {
  return (await storeFile(context.store.db, Readable.from([ovdinfo]), { kind: 'chronicle-import' })).id
}

/** Whether a kept file is still there. */
const kept = async (id: string) => (await findStoredFile(context.store.db, id)) !== null

/**
 * A job row as some process left it: `runner` is the instance that ran it and when it last beat
 * (none: a row from before heartbeats).
 */
async function insertJob(options: {
  state: 'queued' | 'running' | 'done' | 'failed'
  params?: Partial<ImportParams>
  fileId?: string | null
  runner?: { instance: string; beatAt: Date }
  result?: Record<string, unknown>
  finishedAt?: Date
  kind?: 'import' | 'export'
}): Promise<string> {
  const db = context.store.db
  const params: ImportParams = {
    mapping,
    fileName: 'ovdinfo.csv',
    totalBytes: ovdinfo.length,
    dryRun: false,
    partial: false,
    blankUnknown: false,
    ...options.params,
  }
  const { id } = await db
    .insertInto('chronicle_jobs')
    .values({
      kind: options.kind ?? 'import',
      state: options.state,
      params: JSON.stringify(params),
      file_id: options.fileId ?? null,
      result: options.result ? JSON.stringify(options.result) : null,
      finished_at: options.finishedAt ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  if (options.runner)
    await db
      .insertInto('chronicle_job_heartbeats')
      .values({ job_id: id, instance: options.runner.instance, beat_at: options.runner.beatAt })
      .execute()
  return id
}

const goneNode = () => ({ instance: randomUUID(), beatAt: new Date(Date.now() - hour) })
const liveNode = () => ({ instance: randomUUID(), beatAt: new Date() })
const jobRow = (id: string) =>
  context.store.db.selectFrom('chronicle_jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const eventCount = async () =>
  (
    await context.store.db
      .selectFrom('chronicle_events')
      .select(sql<number>`count(*)::int`.as('count'))
      .executeTakeFirstOrThrow()
  ).count

test('an import whose node is gone shows as interrupted, and running it again imports the kept file, once', async () => {
  const file = await keptFile()
  const id = await insertJob({ state: 'running', fileId: file, runner: goneNode() })
  const page = await editor.get(`/staff/chronicle/import/jobs/${id}`)
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /This import was interrupted/)
  assert.match(
    page.body,
    /It was all or nothing, so nothing was written\. Running the same file again is safe/,
  )
  assert.match(page.body, new RegExp(`action="/staff/chronicle/import/jobs/${id}/retry"`))
  assert.doesNotMatch(page.body, /rows read/)
  assert.match((await editor.get('/staff/chronicle/import')).body, /<td>Interrupted<\/td>/)
  assert.equal((await jobRow(id)).state, 'failed')

  // This mapping publishes, so only a reviewer may run it again; the refusal changes nothing.
  await coordinator.get(`/staff/chronicle/import/jobs/${id}`)
  assert.equal((await coordinator.post(`/staff/chronicle/import/jobs/${id}/retry`)).statusCode, 403)
  assert.equal((await jobRow(id)).file_id, file)

  const retry = await editor.post(`/staff/chronicle/import/jobs/${id}/retry`)
  assert.equal(retry.statusCode, 303)
  const next = retry.headers.location as string
  assert.notEqual(next, `/staff/chronicle/import/jobs/${id}`)
  // Read while it runs (or just after), the new job is never taken for a dead one.
  assert.doesNotMatch((await editor.get(next)).body, /was interrupted/)
  await settleImports(context.store.db)
  const done = await editor.get(next)
  assert.match(done.body, /Written: 180 new, 0 updated, 0 unchanged/)
  assert.equal(await eventCount(), 180)
  assert.equal(await kept(file), false)

  // The interrupted job now points at its new run, and can't be run a second time.
  const old = await editor.get(`/staff/chronicle/import/jobs/${id}`)
  assert.match(old.body, new RegExp(`<a href="${next}">This job was run again`))
  assert.doesNotMatch(old.body, /\/retry"/)
  assert.equal((await editor.post(`/staff/chronicle/import/jobs/${id}/retry`)).statusCode, 409)
})

test('an interrupted partial import says earlier batches were kept; running it again updates, never duplicates', async () => {
  const id = await insertJob({
    state: 'running',
    params: { partial: true },
    fileId: await keptFile(),
    runner: goneNode(),
  })
  const page = await editor.get(`/staff/chronicle/import/jobs/${id}`)
  assert.match(page.body, /It was a partial import: the batches written before that were kept/)
  const before = await eventCount()
  const retry = await editor.post(`/staff/chronicle/import/jobs/${id}/retry`)
  assert.equal(retry.statusCode, 303)
  await settleImports(context.store.db)
  const done = await editor.get(retry.headers.location as string)
  assert.match(done.body, /Written: 0 new, 0 updated, 180 unchanged/)
  assert.equal(await eventCount(), before)

  // An interrupted dry run says it wrote nothing, and runs again as a dry run.
  const dry = await insertJob({
    state: 'running',
    params: { dryRun: true },
    fileId: await keptFile(),
    runner: goneNode(),
  })
  assert.match((await editor.get(`/staff/chronicle/import/jobs/${dry}`)).body, /A dry run writes nothing/)
  // A coordinator may run a dry run again, publishing mapping or not.
  const again = await coordinator.post(`/staff/chronicle/import/jobs/${dry}/retry`)
  assert.equal(again.statusCode, 303)
  await settleImports(context.store.db)
  assert.match((await coordinator.get(again.headers.location as string)).body, /Every row is valid/)
})

test("which runs are dead: this instance's that it no longer runs, one without a heartbeat, a stale node's; not a live node's", async () => {
  const mine = await insertJob({ state: 'running', runner: { instance, beatAt: new Date() } })
  const legacy = await insertJob({ state: 'running' })
  const stale = await insertJob({ state: 'running', runner: goneNode() })
  const live = await insertJob({ state: 'running', runner: liveNode() })
  for (const id of [mine, legacy, stale])
    assert.match((await editor.get(`/staff/chronicle/import/jobs/${id}`)).body, /was interrupted/, id)
  // Another node that beats is running it: the page shows it running, with no way to start it again.
  const running = await editor.get(`/staff/chronicle/import/jobs/${live}`)
  assert.match(running.body, /rows read/)
  assert.doesNotMatch(running.body, /was interrupted/)
  assert.equal((await editor.post(`/staff/chronicle/import/jobs/${live}/retry`)).statusCode, 409)
  assert.equal((await jobRow(live)).state, 'running')

  // At start, the embedded database has no other process: whatever still runs is left over. Native
  // PostgreSQL may have other nodes, and one that beats is alive.
  await recoverImports(context.store)
  assert.equal((await jobRow(live)).state, context.store.engine === 'pglite' ? 'failed' : 'running')
})

test('hostile retries: a bad or unknown id, no CSRF token, a job that was not interrupted — refused, nothing changes', async () => {
  const file = await keptFile()
  const id = await insertJob({ state: 'running', fileId: file, runner: goneNode() })
  await editor.get(`/staff/chronicle/import/jobs/${id}`)
  const jobs = async () =>
    (
      await context.store.db
        .selectFrom('chronicle_jobs')
        .select(sql<number>`count(*)::int`.as('count'))
        .executeTakeFirstOrThrow()
    ).count
  const count = await jobs()
  const events = await eventCount()

  for (const bad of ['not-a-uuid', "1' OR '1'='1", '00000000-0000-4000-8000-000000000000', '..%2F..%2Fetc'])
    assert.equal((await editor.post(`/staff/chronicle/import/jobs/${bad}/retry`)).statusCode, 404, bad)
  assert.equal(
    (await editor.post(`/staff/chronicle/import/jobs/${id}/retry`, {}, { csrf: null })).statusCode,
    403,
  )
  assert.equal(
    (await editor.post(`/staff/chronicle/import/jobs/${id}/retry`, {}, { csrf: 'forged' })).statusCode,
    403,
  )
  const stranger = agent(context.app)
  await stranger.get('/login')
  assert.equal((await stranger.post(`/staff/chronicle/import/jobs/${id}/retry`)).statusCode, 404)
  const lawyer = await signIn(context.app, await createStaff(context.store.db, { roles: ['lawyer'] }))
  assert.equal((await lawyer.post(`/staff/chronicle/import/jobs/${id}/retry`)).statusCode, 404)

  // Not interrupted: a finished dry run (its file kept), a failed import, an export job.
  const finishedDry = await insertJob({
    state: 'done',
    params: { dryRun: true },
    fileId: await keptFile(),
    result: { rows: 0 },
    finishedAt: new Date(),
  })
  const failed = await insertJob({
    state: 'failed',
    fileId: await keptFile(),
    result: { error: 'chronicle.import.error.failed' },
    finishedAt: new Date(),
  })
  const exported = await insertJob({
    state: 'failed',
    kind: 'export',
    fileId: await keptFile(),
    finishedAt: new Date(),
  })
  const refusals = [
    [finishedDry, 409],
    [failed, 409],
    [exported, 404],
  ] as const
  for (const [other, status] of refusals) {
    const response = await editor.post(`/staff/chronicle/import/jobs/${other}/retry`)
    assert.equal(response.statusCode, status, other)
    if (status === 409) assert.match(response.body, /ERR_IMPORT_NOT_INTERRUPTED/)
    assert.ok((await jobRow(other)).file_id, other)
  }
  assert.doesNotMatch((await editor.get(`/staff/chronicle/import/jobs/${failed}`)).body, /\/retry"/)

  assert.equal(await jobs(), count + refusals.length)
  assert.equal(await eventCount(), events)
  const row = await jobRow(id)
  assert.equal(row.file_id, file)
  assert.deepEqual(row.result, { interrupted: true })
  assert.ok(await kept(file))
})

test('cleanup removes only the kept files of dry runs and failed or interrupted jobs ended over a day ago; pages then say so', async () => {
  const db = context.store.db
  const longAgo = new Date(Date.now() - 25 * hour)
  // A real dry run through the page, then made a day old.
  await editor.get('/staff/chronicle/import')
  const boundary = '----lifelinejobs'
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${editor.csrf}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="mapping"\r\n\r\novdinfo-moscow-2011-2012\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="mode"\r\n\r\ndry\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="o.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    ovdinfo,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  const dry = await editor.send('POST', '/staff/chronicle/import', body, {
    'content-type': `multipart/form-data; boundary=${boundary}`,
  })
  assert.equal(dry.statusCode, 303, dry.body)
  await settleImports(context.store.db)
  const oldDry = (dry.headers.location as string).split('/').pop()!
  const oldDryFile = (await jobRow(oldDry)).file_id!
  assert.ok(await kept(oldDryFile))
  await db.updateTable('chronicle_jobs').set({ finished_at: longAgo }).where('id', '=', oldDry).execute()
  assert.match((await editor.get(`/staff/chronicle/import/jobs/${oldDry}`)).body, /Import this file/)

  const files = {
    oldDry: oldDryFile,
    oldFailed: await keptFile(),
    oldInterrupted: await keptFile(),
    recentDry: await keptFile(),
    recentInterrupted: await keptFile(),
    oldImport: await keptFile(),
    running: await keptFile(),
    oldExport: await keptFile(),
    unclaimed: await keptFile(),
  }
  const ids = {
    oldFailed: await insertJob({
      state: 'failed',
      fileId: files.oldFailed,
      result: { error: 'chronicle.import.error.failed' },
      finishedAt: longAgo,
    }),
    oldInterrupted: await insertJob({
      state: 'failed',
      fileId: files.oldInterrupted,
      result: { interrupted: true },
      finishedAt: longAgo,
    }),
    recentDry: await insertJob({
      state: 'done',
      params: { dryRun: true },
      fileId: files.recentDry,
      result: { rows: 0 },
      finishedAt: new Date(Date.now() - 23 * hour),
    }),
    // Interrupted just now (found by the cleanup itself): its day starts now.
    recentInterrupted: await insertJob({
      state: 'running',
      fileId: files.recentInterrupted,
      runner: goneNode(),
    }),
    oldImport: await insertJob({
      state: 'done',
      fileId: files.oldImport,
      result: { rows: 0 },
      finishedAt: longAgo,
    }),
    running: await insertJob({ state: 'running', fileId: files.running, runner: liveNode() }),
    oldExport: await insertJob({
      state: 'failed',
      kind: 'export',
      fileId: files.oldExport,
      finishedAt: longAgo,
    }),
  }

  assert.equal(await expireImportFiles(db), 3)
  const gone = ['oldDry', 'oldFailed', 'oldInterrupted']
  for (const [name, id] of Object.entries(files)) assert.equal(await kept(id), !gone.includes(name), name)
  assert.equal((await jobRow(ids.recentInterrupted)).state, 'failed')
  assert.equal((await jobRow(ids.running)).state, 'running')
  assert.equal((await jobRow(ids.oldImport)).file_id, files.oldImport)

  // The dry run's page asks for the file again instead of offering an import that would fail.
  const expired = await editor.get(`/staff/chronicle/import/jobs/${oldDry}`)
  assert.match(expired.body, /The uploaded file is kept for 24 hours only and has been removed/)
  assert.doesNotMatch(expired.body, /Import this file/)
  assert.match(expired.body, /<dd>180<\/dd>/)
  assert.equal((await editor.post(`/staff/chronicle/import/jobs/${oldDry}/run`)).statusCode, 409)
  const interrupted = await editor.get(`/staff/chronicle/import/jobs/${ids.oldInterrupted}`)
  assert.match(interrupted.body, /was interrupted/)
  assert.match(interrupted.body, /upload it again/)
  assert.doesNotMatch(interrupted.body, /\/retry"/)
  assert.equal(
    (await editor.post(`/staff/chronicle/import/jobs/${ids.oldInterrupted}/retry`)).statusCode,
    409,
  )

  // Run again, it finds nothing more to remove.
  assert.equal(await expireImportFiles(db), 0)
})

test('a failed import says what was kept: nothing when all or nothing, the earlier batches when partial', async () => {
  const failed = (partial: boolean) =>
    insertJob({
      state: 'failed',
      params: { partial },
      result: { error: 'chronicle.import.error.failed' },
      finishedAt: new Date(),
    })
  const page = async (id: string) => (await editor.get(`/staff/chronicle/import/jobs/${id}`)).body
  assert.match(await page(await failed(false)), /Nothing was written; try again/)
  const partial = await page(await failed(true))
  assert.match(partial, /The batches written before it are kept; running the same file again is safe/)
  assert.doesNotMatch(partial, /Nothing was written/)
})

test('an import is the job its request enqueued: row and job commit together, and a second delivery runs nothing', async () => {
  const db = context.store.db
  const id = await startImportJob(db, {
    fileId: await keptFile(),
    actorId: (await createStaff(db, { roles: ['editor'] })).id,
    params: {
      mapping,
      fileName: 'ovdinfo.csv',
      totalBytes: ovdinfo.length,
      dryRun: true,
      partial: false,
      blankUnknown: false,
    },
  })
  const { rows } = await context.store.pool.query(
    `SELECT retry_limit FROM ${JOBS_SCHEMA}.job WHERE name = $1 AND data->>'importId' = $2`,
    [importJob.name, id],
  )
  assert.deepEqual(rows, [{ retry_limit: 0 }], 'one job, never retried by the queue itself')
  await settleImports(db)
  const done = await jobRow(id)
  assert.equal(done.state, 'done')
  // The same job delivered again (a node that took it past its expiry) finds it claimed and does nothing.
  await runImportJob(db, id, { engine: context.store.engine })
  assert.deepEqual(await jobRow(id), done)

  // A job waiting for its turn says so.
  const queued = await insertJob({ state: 'queued' })
  try {
    const page = await editor.get(`/staff/chronicle/import/jobs/${queued}`)
    assert.match(page.body, /Waiting to start: imports run one at a time/)
    assert.doesNotMatch(page.body, /was interrupted/)
  } finally {
    // Nothing enqueued it, so nothing will run it.
    await db.updateTable('chronicle_jobs').set({ state: 'failed' }).where('id', '=', queued).execute()
  }
})
