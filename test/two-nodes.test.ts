/**
 * Scale-out shown, not described: two app nodes as real processes (`node src/main.ts`) on one native
 * PostgreSQL, each with its own data dir and port, sharing only the database and the erasure-keys
 * folder, as README's "Several app nodes" asks. A visitor's cookies go to whichever node answers, as
 * behind a proxy without sticky sessions. What one node wrote, the other reads: a help-desk report
 * and its reply, an export's file, an uploaded import's file, a newly approved vocabulary term.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import PgBoss from 'pg-boss'
import { generateDemo } from '../src/modules/chronicle/demo/generate.ts'
import { countEvents } from '../src/modules/chronicle/queries/api-events.ts'
import { resolveFilter } from '../src/modules/chronicle/queries/filters.ts'
import { ensureImportTerms } from '../src/modules/chronicle/testing/import.ts'
import { helpdeskWith } from '../src/modules/helpdesk/testing/desk-setup.ts'
import { formToken, shownReceipt } from '../src/modules/helpdesk/testing/forms.ts'
import { engine, type TestStore, testStore } from './support/db.ts'
import { createStaff, type TestStaff, totpCode } from './support/factories.ts'
import { type HttpAgent, httpAgent } from './support/http-agent.ts'
import { freePort } from './support/ports.ts'

const root = join(import.meta.dirname, '..')
const ovdinfo = readFileSync(join(root, 'test/fixtures/ovdinfo-moscow-2011-2012.csv'))

type Node = { url: string; dataDir: string; process: ChildProcess; log: () => string }

/** Starts `node src/main.ts` on the shared database; resolves once it answers /readyz. */
async function startNode(
  databaseUrl: string,
  erasureKeysDir: string,
  serverKeyFile: string,
  publicUrl: string,
  port: number,
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-node-'))
  let output = ''
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      LIFELINE_DATA_DIR: dataDir,
      LIFELINE_ERASURE_KEYS_DIR: erasureKeysDir,
      LIFELINE_SERVER_KEY_FILE: serverKeyFile,
      LIFELINE_PUBLIC_URL: publicUrl,
      // A small export becomes a background job.
      LIFELINE_EXPORT_JOB_ROWS: '20',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  child.stderr.on('data', (chunk) => {
    output += chunk
  })
  const node: Node = { url: `http://127.0.0.1:${port}`, dataDir, process: child, log: () => output }
  for (let tries = 0; tries < 600; tries++) {
    if (child.exitCode !== null) throw new Error(`node on port ${port} stopped:\n${output}`)
    const ready = await fetch(`${node.url}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    )
    if (ready) return node
    await sleep(100)
  }
  child.kill('SIGKILL')
  throw new Error(`node on port ${port} did not get ready:\n${output}`)
}

async function stopNode(node: Node | undefined) {
  if (!node || node.process.exitCode !== null) return
  const exited = new Promise((done) => node.process.once('exit', done))
  node.process.kill('SIGTERM')
  await Promise.race([exited, sleep(15_000)])
  if (node.process.exitCode === null) node.process.kill('SIGKILL')
  rmSync(node.dataDir, { recursive: true, force: true })
}

/** Signs a staff member in on `node` through the real forms (password, then TOTP). */
async function signIn(node: Node, staff: TestStaff): Promise<HttpAgent> {
  const visitor = httpAgent()
  await visitor.get(node.url, '/login')
  const login = await visitor.post(node.url, '/login', { email: staff.email, password: staff.password })
  assert.equal(login.statusCode, 303, `sign-in on ${node.url}`)
  await visitor.get(node.url, '/login/totp')
  const second = await visitor.post(node.url, '/login/totp', { code: totpCode(staff.totpSecret!) })
  assert.equal(second.statusCode, 303, `second factor on ${node.url}`)
  return visitor
}

/** GETs `path` until `done(body)` holds (a job another node runs); fails after a while. */
async function waitFor(visitor: HttpAgent, base: string, path: string, done: (body: string) => boolean) {
  for (let tries = 0; tries < 180; tries++) {
    const page = await visitor.get(base, path)
    assert.equal(page.statusCode, 200, path)
    if (done(page.body)) return page
    await sleep(500)
  }
  throw new Error(`${path} never got there`)
}

/**
 * Uploads or exports a node kept in its own data dir, where a node on another host could not reach
 * them (these nodes share one host, so a path in another's data dir would still open).
 */
const localFiles = (node: Node) =>
  (existsSync(node.dataDir) ? readdirSync(node.dataDir) : []).filter((name) =>
    ['imports', 'exports'].includes(name),
  )

// On the embedded engine the suite is skipped (the runner's tally counts it as one skipped test).
describe('two app nodes on one PostgreSQL', {
  skip:
    engine !== 'postgres' &&
    'two nodes need native PostgreSQL: the embedded database is one process by design (its data dir is locked)',
}, () => {
  let store: TestStore
  let a: Node | undefined
  let b: Node | undefined
  const nodeA = () => a!
  const nodeB = () => b!
  let lawyer: TestStaff
  let editor: TestStaff

  before(async () => {
    store = await testStore()
    const admin = await createStaff(store.db, { roles: ['admin'] })
    lawyer = await createStaff(store.db, { roles: ['lawyer'] })
    editor = await createStaff(store.db, { roles: ['editor'] })
    await helpdeskWith(store.db, admin.id, [lawyer.id])
    await ensureImportTerms(store.db)
    await generateDemo(store.db, { events: 200, seed: 11, batchSize: 200 })
    // One public address for both, as behind one proxy; the erasure keys in one shared folder, and the
    // server key the accounts were made with in one file both read.
    const [portA, portB] = [await freePort(), await freePort()]
    const shared = [
      store.databaseUrl!,
      store.erasureKeys.dir,
      store.serverKey.path,
      `http://127.0.0.1:${portA}`,
    ] as const
    ;[a, b] = await Promise.all([startNode(...shared, portA), startNode(...shared, portB)])
  })

  after(async () => {
    await Promise.all([stopNode(a), stopNode(b)])
    await store?.close()
  })

  let exportPage = ''
  it('takes a request for a large export on node A as a background job', async () => {
    const visitor = httpAgent()
    const offer = await visitor.get(nodeA().url, '/chronicle/export.csv?from=2022-01')
    assert.match(offer.body, /action="\/chronicle\/exports"/)
    const asked = await visitor.post(nodeA().url, '/chronicle/exports', { format: 'csv', from: '2022-01' })
    assert.equal(asked.statusCode, 303)
    exportPage = String(asked.headers.get('location'))
    assert.match(exportPage, /^\/chronicle\/exports\/[0-9a-f-]{36}$/)
    // The job runs every minute on whichever node's worker takes it; nudged here so the test needn't wait.
    const boss = new PgBoss({
      connectionString: store.databaseUrl!,
      schema: 'pgboss',
      supervise: false,
      schedule: false,
    })
    await boss.start()
    await boss.send('chronicle-exports', {})
    await boss.stop({ graceful: false, wait: true })
  })

  it('seals a report on node A; a lawyer signed in on node B reads it and replies; the writer reads the reply on node A', async () => {
    const who = 'Anna K., detained at the metro'
    const writer = httpAgent()
    const form = await writer.get(nodeA().url, '/help/detained')
    assert.equal(form.statusCode, 200)
    const sent = await writer.post(nodeA().url, '/help/detained', {
      token: formToken(form.body),
      who,
      station: 'OVD Basmanny',
    })
    assert.equal(sent.statusCode, 201, sent.body)
    const receipt = shownReceipt(sent.body)

    const desk = await signIn(nodeB(), lawyer)
    const queue = await desk.get(nodeB().url, '/staff/helpdesk')
    const reportPath = /href="(\/staff\/helpdesk\/reports\/[0-9a-f-]{36})"/.exec(queue.body)?.[1]
    assert.ok(reportPath, 'the queue on node B lists the report')
    const report = await desk.get(nodeB().url, reportPath)
    assert.equal(report.statusCode, 200)
    assert.ok(report.body.includes(who), 'node B opens what node A sealed (erasure key in the shared folder)')
    const reply = 'A lawyer is on the way to Basmanny.'
    const replied = await desk.post(nodeB().url, `${reportPath}/messages`, { text: reply, author: 'desk' })
    assert.equal(replied.statusCode, 303)

    const back = httpAgent()
    await back.get(nodeA().url, '/help/report')
    const read = await back.post(nodeA().url, '/help/report', { receipt })
    assert.equal(read.statusCode, 200)
    assert.ok(read.body.includes(reply), 'node A shows the reply written on node B')
  })

  it('runs an import dry run on node A and imports the same upload from node B', async () => {
    const staff = await signIn(nodeA(), editor)
    await staff.get(nodeA().url, '/staff/chronicle/import')
    const boundary = '----lifelinetwonodes'
    const field = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
    const body = Buffer.concat([
      Buffer.from(
        field('_csrf', staff.csrf) +
          field('mapping', 'ovdinfo-moscow-2011-2012') +
          field('mode', 'dry') +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ovdinfo.csv"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      ovdinfo,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ])
    const dry = await staff.send(nodeA().url, 'POST', '/staff/chronicle/import', body, {
      'content-type': `multipart/form-data; boundary=${boundary}`,
    })
    assert.equal(dry.statusCode, 303, dry.body)
    const dryPage = String(dry.headers.get('location'))
    // Node A runs the dry run; node B (the same session) sees its report once it is done.
    await waitFor(staff, nodeB().url, dryPage, (page) => /Every row is valid/.test(page))
    // On one host node B could read a path in node A's data dir; on two it could not: nothing is there.
    assert.deepEqual(localFiles(nodeA()), [], "the upload is not in node A's data dir")

    const run = await staff.post(nodeB().url, `${dryPage}/run`, {})
    assert.equal(run.statusCode, 303, run.body)
    const done = await waitFor(staff, nodeA().url, String(run.headers.get('location')), (page) =>
      /Written: /.test(page),
    )
    assert.match(done.body, /Written: 180 new, 0 updated, 0 unchanged/)
    const imported = await store.db
      .selectFrom('chronicle_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('external_source', '=', 'ovdinfo-moscow-2011-2012')
      .executeTakeFirstOrThrow()
    assert.equal(Number(imported.n), 180)
  })

  it("serves the export's file from node B, the same bytes as node A, and no node kept a file of its own", async () => {
    const visitor = httpAgent()
    await waitFor(visitor, nodeB().url, exportPage, (page) => page.includes(`href="${exportPage}/download"`))
    const fromB = await visitor.get(nodeB().url, `${exportPage}/download`)
    const fromA = await visitor.get(nodeA().url, `${exportPage}/download`)
    assert.equal(fromB.statusCode, 200)
    assert.equal(fromB.body, fromA.body)
    const expected = await countEvents(store.db, await resolveFilter(store.db, { from: '2022-01' }))
    assert.ok(expected > 20)
    assert.equal(fromB.body.split('\r\n').filter(Boolean).length, expected + 1)
    for (const node of [nodeA(), nodeB()]) assert.deepEqual(localFiles(node), [], node.url)
  })

  it('shows on node B a term approved on node A, though node B had read the terms before', async () => {
    const visitor = httpAgent()
    const before = await visitor.get(nodeB().url, '/chronicle')
    assert.doesNotMatch(before.body, /bicycle_ride/)
    // A reviewer of their own: the import's editor has used this time step's code (codes are one-use).
    const reviewer = await createStaff(store.db, { roles: ['editor'] })
    const staff = await signIn(nodeA(), reviewer)
    await staff.get(nodeA().url, '/staff/chronicle/vocabularies')
    const proposed = await staff.post(nodeA().url, '/staff/chronicle/vocabularies/terms', {
      vocabulary: 'event_type',
      code: 'bicycle_ride',
      label_ru: 'Велопробег',
      label_en: 'Bicycle ride',
      label_uk: 'Велопробіг',
    })
    assert.equal(proposed.statusCode, 303)
    const term = await store.db
      .selectFrom('vocab_terms')
      .select('id')
      .where('code', '=', 'bicycle_ride')
      .executeTakeFirstOrThrow()
    const approved = await staff.post(
      nodeA().url,
      `/staff/chronicle/vocabularies/terms/${term.id}/approve`,
      {},
    )
    assert.equal(approved.statusCode, 303)
    const after = await visitor.get(nodeB().url, '/chronicle')
    assert.match(after.body, /value="bicycle_ride"/)
  })
})
