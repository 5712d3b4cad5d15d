import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import { agent } from '../../../test/support/agent.ts'
import { engine, testStore } from '../../../test/support/db.ts'
import { createStaff, signIn } from '../../../test/support/factories.ts'
import { freePort } from '../../../test/support/ports.ts'
import { buildApp } from '../../app.ts'
import { loadEnv } from '../../env.ts'
import { retentionJob } from '../../modules/helpdesk/jobs/retention.ts'
import { helpdeskWith } from '../../modules/helpdesk/testing/desk-setup.ts'
import { sendDetained } from '../../modules/helpdesk/testing/forms.ts'
import { allJobs } from '../../modules.ts'
import { backupTo } from '../backup/backup.ts'
import { attachErasureKeys } from '../crypto/erasure-keys.ts'
import { expireSessions } from '../jobs/expire-sessions.ts'
import { analyzeDatabase } from '../jobs/maintain-database.ts'
import { type Jobs, startJobs } from '../jobs/queue.ts'
import { openStore, type Store } from './database.ts'
import { prepareDatabase } from './prepare.ts'

describe('the audit log', () => {
  it('refuses TRUNCATE, even from the role that owns it', async () => {
    const store = await testStore()
    try {
      await store.db.insertInto('audit_log').values({ actor_id: null, action: 'test.kept' }).execute()
      await assert.rejects(sql`TRUNCATE audit_log`.execute(store.db), /append-only/)
      // A cascade from the users it references reaches it too.
      await assert.rejects(sql`TRUNCATE users CASCADE`.execute(store.db), /append-only/)
      const left = await store.db.selectFrom('audit_log').select('action').execute()
      assert.deepEqual(
        left.map((row) => row.action),
        ['test.kept'],
      )
    } finally {
      await store.close()
    }
  })
})

// Roles belong to the whole cluster, and the test runner's cluster is shared by every test file: the
// names are this run's own, and everything is dropped afterwards.
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`
const ownerRole = `lifeline_owner_${suffix}`
const appRole = `lifeline_app_${suffix}`
const database = `lifeline_lp_${suffix}`

function urlAs(role: string, name: string): string {
  const url = new URL(process.env.LIFELINE_TEST_DATABASE_URL!)
  url.username = role
  url.pathname = `/${name}`
  return url.href
}

async function asSuperuser(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: urlAs('postgres', 'postgres') })
  await client.connect()
  try {
    await client.query(query)
  } finally {
    await client.end()
  }
}

const skip =
  engine !== 'postgres' &&
  'native PostgreSQL only: the embedded database has one user (the owner) by design, so there is no app role to limit'

describe('least privilege on native PostgreSQL', { skip }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-lp-'))
  const ownerUrl = urlAs(ownerRole, database)
  const appUrl = urlAs(appRole, database)
  const settings = {
    DATABASE_URL: appUrl,
    LIFELINE_MIGRATION_DATABASE_URL: ownerUrl,
    LIFELINE_DATA_DIR: dataDir,
  }

  before(async () => {
    // The owner owns the database (and so its public schema); the app role can only log in.
    await asSuperuser(`CREATE ROLE ${ownerRole} LOGIN`)
    await asSuperuser(`CREATE ROLE ${appRole} LOGIN`)
    await asSuperuser(`CREATE DATABASE ${database} OWNER ${ownerRole}`)
  })
  after(async () => {
    await asSuperuser(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    await asSuperuser(`DROP ROLE IF EXISTS ${appRole}`)
    await asSuperuser(`DROP ROLE IF EXISTS ${ownerRole}`)
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(`${dataDir}-erasure-keys`, { recursive: true, force: true })
  })

  it('migrates as the owner at start, then serves as the app role', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, ['src/main.ts'], {
      env: { ...process.env, ...settings, PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk))
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
    try {
      for (let i = 0; i < 600 && !/\/setup\/[\w-]{43}/.test(output) && child.exitCode === null; i++)
        await new Promise((resolve) => setTimeout(resolve, 100))
      assert.match(output, /Lifeline is running/, output)
      assert.doesNotMatch(output, /more privileges/, 'the app role has no more than it needs')
      assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200)
      const link = /(http:\/\/\S+\/setup\/[\w-]{43})/.exec(output)![1]!
      assert.equal((await fetch(link)).status, 200)
    } finally {
      child.kill('SIGTERM')
    }
    assert.equal(await exited, 0, output)

    const owner = new pg.Client({ connectionString: ownerUrl })
    await owner.connect()
    try {
      const { rows } = await owner.query(
        `SELECT schemaname, tablename, tableowner FROM pg_tables
         WHERE schemaname IN ('public', 'pgboss') AND tableowner <> current_user`,
      )
      assert.deepEqual(rows, [], 'the owner owns every table, pg-boss queues included')
    } finally {
      await owner.end()
    }
  })

  describe('the app role', () => {
    let store: Store
    let app: Awaited<ReturnType<typeof buildApp>>
    let jobs: Jobs
    before(async () => {
      const env = loadEnv({ ...settings, LIFELINE_PUBLIC_URL: 'http://localhost:8080' })
      store = await openStore({ databaseUrl: appUrl, dataDir })
      attachErasureKeys(store, { dataDir })
      const { applied, excess } = await prepareDatabase(env, store, allJobs())
      assert.deepEqual(applied, [], 'the start above applied everything')
      assert.deepEqual(excess, [])
      app = await buildApp({ store, env, logger: false })
      jobs = await startJobs(store, { jobs: allJobs(), migrate: false })
    })
    after(async () => {
      await jobs?.stop()
      await app?.close()
      await store?.close()
    })

    it('signs in, takes and reads a help desk report, and edits the chronicle', async () => {
      const admin = await createStaff(store.db, { roles: ['admin'] })
      const lawyer = await createStaff(store.db, { roles: ['lawyer'] })
      const editor = await createStaff(store.db, { roles: ['editor'] })
      await helpdeskWith(store.db, admin.id, [lawyer.id])

      const sent = await sendDetained(agent(app), { who: 'Ivan Petrov', station: 'OVD Tverskoy' })
      assert.equal(sent.statusCode, 201)
      const desk = await signIn(app, lawyer)
      const report = await store.db.selectFrom('helpdesk_reports').select('id').executeTakeFirstOrThrow()
      const read = await desk.get(`/staff/helpdesk/reports/${report.id}`)
      assert.equal(read.statusCode, 200)
      assert.match(read.body, /Ivan Petrov/)

      await store.db
        .insertInto('vocab_terms')
        .values([
          { vocabulary: 'event_type', code: 'protest', labels: '{"ru":"Акция","en":"Protest","uk":"Акція"}' },
          { vocabulary: 'region', code: 'RU-MOW', labels: '{"ru":"Москва","en":"Moscow","uk":"Москва"}' },
        ])
        .onConflict((oc) => oc.columns(['vocabulary', 'code']).doNothing())
        .execute()
      const chronicle = await signIn(app, editor)
      await chronicle.get('/staff/chronicle/events/new')
      const created = await chronicle.post('/staff/chronicle/events', eventForm())
      assert.equal(created.statusCode, 303, created.body)
      const id = Number(/events\/(\d+)/.exec(String(created.headers.location))?.[1])
      await chronicle.get(`/staff/chronicle/events/${id}`)
      const edited = await chronicle.post(`/staff/chronicle/events/${id}?_method=PUT`, {
        ...eventForm({ title_en: 'A protest, corrected' }),
        version: '1',
      })
      assert.equal(edited.statusCode, 303, edited.body)
      const event = await store.db
        .selectFrom('chronicle_events')
        .select(['version'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      assert.equal(event.version, 2)

      const audited = await store.db.selectFrom('audit_log').select('action').execute()
      assert.ok(audited.length >= 3, 'sign-ins and the read were audited')
      assert.equal((await app.inject('/readyz')).statusCode, 200)
    })

    it('runs jobs, the maintenance ones included', async () => {
      for (const job of [expireSessions, retentionJob, analyzeDatabase]) {
        const id = await jobs.boss.send(job.name, {})
        let state = ''
        for (let i = 0; i < 150 && state !== 'completed' && state !== 'failed'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100))
          state = (await jobs.boss.getJobById(job.name, id!))?.state ?? ''
        }
        assert.equal(state, 'completed', job.name)
      }
    })

    it('takes a backup (pg_dump reads every table it needs)', async () => {
      const file = join(dataDir, 'app-role.llbackup')
      const header = await backupTo(
        { engine: 'postgres', databaseUrl: appUrl },
        file,
        'a long enough passphrase',
      )
      assert.equal(header.engine, 'postgres')
    })

    it('can neither empty, rewrite nor remove the audit log, nor drop, alter or create tables', async () => {
      const client = new pg.Client({ connectionString: appUrl })
      await client.connect()
      try {
        const refusals: [string, RegExp][] = [
          ['TRUNCATE audit_log', /permission denied/],
          ['DELETE FROM audit_log', /permission denied/],
          ["UPDATE audit_log SET action = 'rewritten'", /permission denied/],
          ['ALTER TABLE audit_log DISABLE TRIGGER USER', /must be owner/],
          ['DROP TRIGGER audit_log_no_truncate ON audit_log', /must be owner/],
          ['DROP TABLE chronicle_events', /must be owner/],
          ['ALTER TABLE users ADD COLUMN sneaky int', /must be owner/],
          ['CREATE TABLE sneaky (id int)', /permission denied for schema public/],
          ['CREATE TABLE pgboss.sneaky (id int)', /permission denied for schema pgboss/],
          ['CREATE SCHEMA sneaky', /permission denied for database/],
          ['TRUNCATE pgboss.job', /permission denied/],
          ['TRUNCATE sessions', /permission denied/],
          // What a superuser could do to get past every trigger at once.
          ['SET session_replication_role = replica', /permission denied/],
        ]
        for (const [statement, refusal] of refusals)
          await assert.rejects(client.query(statement), refusal, statement)
      } finally {
        await client.end()
      }
      // The owner has every privilege on the log, and the triggers still refuse it.
      const owner = new pg.Client({ connectionString: ownerUrl })
      await owner.connect()
      try {
        for (const statement of [
          'TRUNCATE audit_log',
          'DELETE FROM audit_log',
          "UPDATE audit_log SET action = 'x'",
        ])
          await assert.rejects(owner.query(statement), /append-only/, statement)
      } finally {
        await owner.end()
      }
    })
  })
})

/** A valid new-event form (the fields the staff editor posts). */
function eventForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    title_ru: 'Акция у суда',
    title_en: 'A protest at the court',
    title_uk: '',
    summary_ru: 'Десять человек вышли к суду.',
    summary_en: '',
    summary_uk: '',
    type: 'protest',
    start_date: '2022-10-14',
    start_precision: 'day',
    end_date: '',
    end_precision: 'unknown',
    region: 'RU-MOW',
    locality: 'Москва',
    latitude: '',
    longitude: '',
    coord_precision: '',
    participants: '10',
    detained: '0',
    authorised: 'no',
    subject: '',
    organisers: '',
    source_url: 'https://ovd.info/news/example',
    source_description: '',
    source_publisher: 'ОВД-Инфо',
    source_published_on: '2022-10-15',
    source_reliability: 'high',
    ...overrides,
  }
}
