/**
 * The help desk suite (`npm run bench -- helpdesk [--seconds N] [--engine pglite|native]`), on embedded PGlite and on native
 * PostgreSQL in one run:
 *   submissions: "I need legal help" posted through HTTP for 60 s by a bounded loopback load generator
 *     (10 connections, each post with its own form token), sealed to a desk of 5 members: per second,
 *     p50/p95, errors; and the same posts to a route that checks them alike and stores them unsealed
 *     (support/helpdesk-baseline.ts): the ratio is what sealing costs;
 *   queue: the triage queue page of a lawyer with 100,000 open reports, p50/p95 over its views;
 *   flood (PGlite only, as it is about the server process; `--flood` runs it alone): 12 writers posting
 *     the detained form with three 6000×6000 PNGs of 9 MB each from loopback for up to 20 s (support/flood.ts),
 *     with the photo limits as shipped and then raised out of the way: the server's peak memory, the
 *     posts' p95 and the p95 of opening the form meanwhile, beside opening it without a flood.
 */
import { loadavg } from 'node:os'
import { sql } from 'kysely'
import { addWorker } from '../src/modules/helpdesk/commands/add-worker.ts'
import { openHelpdesk } from '../src/modules/helpdesk/commands/open-helpdesk.ts'
import { createAccount } from '../src/platform/auth/accounts.ts'
import { attachErasureKeys } from '../src/platform/crypto/erasure-keys.ts'
import { openStore } from '../src/platform/db/database.ts'
import { startCluster } from '../test/support/native-postgres.ts'
import { type FloodFigures, floodPhotos, percentile, probeForm, runFlood } from './support/flood.ts'
import { type Instance, instance, runCli, signIn, startServer } from './support/lifeline.ts'
import { type LoadResult, runLoad, type Watch } from './support/load.ts'
import {
  childrenOf,
  initdbAvailable,
  onCleanUp,
  onlyEngine,
  pidsWithCommandLine,
  tempDir,
  treeOf,
} from './support/processes.ts'
import { num, table } from './support/report.ts'

/** One line for `npm run bench -- --list`. */
export const description =
  'help desk: sealed submissions/s vs unsealed, queue page at 100,000 reports; PGlite and native; a photo flood'

const GOALS = { submissionsPerSecond: 300, sealingRatio: 0.7, queueP95Native: 100, engineRatio: 3 }
const OPEN_REPORTS = 100_000
const QUEUE_REQUESTS = 120
const LAWYER = { email: 'lawyer@example.org', password: 'bench-password-long-enough' }

/** Seconds of measured load: `--seconds N` after the suite name, else 60. */
function loadSeconds(): number {
  const at = process.argv.indexOf('--seconds')
  const value = at >= 0 ? Number(process.argv[at + 1]) : 60
  if (!Number.isInteger(value) || value < 5 || value > 600) throw new Error('--seconds must be 5 to 600')
  return value
}

type Latency = { p50: number; p95: number; count: number; byView: [string, number][] }
type Figures = { sealed: LoadResult; plain: LoadResult; queue: Latency; reports: number }

// The flood: writers at once, at most this many seconds and posts; the form opened this often without one.
const FLOOD = { writers: 12, seconds: 20, maxPosts: 300 }
const QUIET_PROBES = 100
// Limits "out of the way": more decode places and photo memory than the flood can use.
const UNLIMITED = { LIFELINE_PHOTO_DECODES: '256', LIFELINE_UPLOAD_MEMORY_MB: '1048576' }

/** Accounts and the desk, written before the server starts (the embedded database is one process's). */
async function prepare(dataDir: string, databaseUrl?: string) {
  const store = await openStore({ dataDir, databaseUrl })
  attachErasureKeys(store, { dataDir })
  try {
    const lawyer = await createAccount(store.db, {
      email: LAWYER.email,
      displayName: 'Bench Lawyer',
      password: LAWYER.password,
      roles: ['lawyer'],
    })
    const deskId = await openHelpdesk(store.db, {
      slug: 'bench',
      name: 'Bench desk',
      takesRest: true,
      regionIds: [],
      retentionDays: 90,
      actorId: lawyer.id,
    })
    await addWorker(store.db, { deskId, userId: lawyer.id, actorId: lawyer.id })
    // A desk of five: each report's key is sealed to every member.
    for (let i = 1; i < 5; i++) {
      const member = await createAccount(store.db, {
        email: `member${i}@example.org`,
        displayName: `Member ${i}`,
        password: LAWYER.password,
        roles: ['volunteer'],
      })
      await addWorker(store.db, { deskId, userId: member.id, actorId: lawyer.id })
    }
  } finally {
    await store.close()
  }
}

/** Tops the desk up to OPEN_REPORTS open reports, copies of a real one spread over three days. */
async function fillQueue(dataDir: string, databaseUrl?: string): Promise<number> {
  const store = await openStore({ dataDir, databaseUrl })
  attachErasureKeys(store, { dataDir })
  try {
    const [{ n }] = (
      await sql<{
        n: number
      }>`SELECT count(*)::int AS n FROM helpdesk_reports WHERE status <> 'closed'`.execute(store.db)
    ).rows as [{ n: number }]
    const missing = Math.max(0, OPEN_REPORTS - n)
    await sql`
      WITH template AS (SELECT * FROM helpdesk_reports LIMIT 1),
        regions AS (SELECT array_agg(id) AS ids FROM vocab_terms WHERE vocabulary = 'region')
      INSERT INTO helpdesk_reports (desk_id, receipt_lookup, writer_key, form, category, urgency, region_id,
        received_at, status, content_id, writer_copy)
      SELECT t.desk_id, decode(md5(random()::text || g::text), 'hex') || decode(md5(g::text), 'hex'),
        t.writer_key, 'legal',
        (ARRAY['administrative','criminal','summons','search','fine','other'])[1 + floor(random() * 6)::int],
        (ARRAY['urgent','high','normal','normal'])[1 + floor(random() * 4)::int],
        r.ids[1 + floor(random() * array_length(r.ids, 1))::int],
        date_trunc('hour', now()) - make_interval(mins => (random() * 4320)::int / 10 * 10),
        (ARRAY['new','new','in_progress','waiting'])[1 + floor(random() * 4)::int],
        t.content_id, t.writer_copy
      FROM generate_series(1, ${missing}::int) g, template t, regions r`.execute(store.db)
    await sql`ANALYZE helpdesk_reports`.execute(store.db)
    return n + missing
  } finally {
    await store.close()
  }
}

/** The queue's views, each requested in turn, one at a time; p50/p95 overall and each view's p95. */
async function measureQueue(port: number, cookie: string): Promise<Latency> {
  const base = `http://127.0.0.1:${port}`
  const first = await fetch(`${base}/staff/helpdesk`, { headers: { cookie } })
  const page = await first.text()
  // The link as the page escapes it (ghtml writes = and & as entities).
  const next = /href="([^"]+)" rel="next"/
    .exec(page)?.[1]
    ?.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replaceAll('&amp;', '&')
  if (first.status !== 200 || !next) throw new Error(`the queue answered ${first.status} without a next page`)
  const views = [
    '/staff/helpdesk',
    '/staff/helpdesk?urgency=urgent',
    '/staff/helpdesk?status=new&who=nobody',
    '/staff/helpdesk?category=search',
    next,
    '/staff/helpdesk?status=waiting&urgency=normal',
  ]
  for (const view of views)
    await fetch(base + view, { headers: { cookie } }).then((response) => response.text())
  const times: number[] = []
  const byView = new Map<string, number[]>()
  for (let i = 0; i < QUEUE_REQUESTS; i++) {
    const view = views[i % views.length]!
    const started = performance.now()
    const response = await fetch(base + view, { headers: { cookie } })
    await response.text()
    const ms = performance.now() - started
    if (response.status !== 200) throw new Error(`${view} answered ${response.status}`)
    times.push(ms)
    byView.set(view, [...(byView.get(view) ?? []), ms])
  }
  times.sort((a, b) => a - b)
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    count: times.length,
    byView: [...byView].map(([view, list]) => [
      view,
      percentile(
        list.sort((a, b) => a - b),
        95,
      ),
    ]),
  }
}

function describeLoad(label: string, result: LoadResult): string {
  return (
    `  ${label.padEnd(24)} ${num(result.requestsPerSecond).padStart(6)}/s  p50 ${num(result.p50)} ms  p95 ${num(result.p95)} ms` +
    `  total ${result.total}  non-2xx ${result.non2xx} ${JSON.stringify(result.non2xxByStatus ?? {})}` +
    `  errors ${result.errors + result.timeouts}` +
    `  cpu: server ${num(result.serverCpu, 2)} db ${num(result.dbCpu, 2)} load ${num(result.loadCpu, 2)}`
  )
}

async function measureEngine(
  engine: 'pglite' | 'native',
  seconds: number,
  databaseUrl?: string,
): Promise<Figures> {
  const say = (line: string) => console.log(`[${engine}] ${line}`)
  const target = {
    ...(await instance(tempDir(`lifeline-bench-helpdesk-${engine}-`), databaseUrl, { LOG_LEVEL: 'warn' })),
    // Lifeline with the unsealed baseline route added (support/helpdesk-baseline.ts).
    server: 'bench/support/helpdesk-server.ts',
  }
  say('migrating, creating the desk and its five members…')
  await runCli(target, ['db', 'migrate'])
  await prepare(target.dataDir, databaseUrl)
  let server = await startServer(target)
  const postmaster = databaseUrl ? pidsWithCommandLine(`port=${new URL(databaseUrl).port} `)[0] : undefined
  const watch: Watch = {
    server: () => [server.pid],
    db: () => (postmaster ? treeOf(postmaster) : childrenOf(server.pid)),
  }
  // One CSRF cookie for every post, with its token, as a browser that opened the form holds.
  const opened = await fetch(`http://127.0.0.1:${target.port}/help/legal`)
  const csrfCookie = /lifeline_csrf=([\w-]{43})/.exec(opened.headers.get('set-cookie') ?? '')?.[1]
  const csrfToken = /name="_csrf" value="([^"]+)"/.exec(await opened.text())?.[1]
  if (!csrfCookie || !csrfToken) throw new Error('the help form gave no CSRF cookie and token')
  const form = {
    _csrf: csrfToken,
    category: 'administrative',
    details: 'Протокол по статье 20.3.3 КоАП, суд назначен на понедельник. Нужен защитник.',
    contact: 'Signal: @someone',
    name: 'Мария',
  }
  const headers = { cookie: `lifeline_csrf=${csrfCookie}` }
  say(`sealed submissions for ${seconds} s…`)
  const sealed = await runLoad(target.port, '/help/legal', {
    form,
    headers,
    watch,
    seconds,
    warmupSeconds: 5,
  })
  console.log(describeLoad(`${engine} sealed`, sealed))
  say(`the same posts stored unsealed, ${seconds} s…`)
  const plain = await runLoad(target.port, '/help/bench-plain/legal', {
    form,
    headers,
    watch,
    seconds,
    warmupSeconds: 5,
  })
  console.log(describeLoad(`${engine} unsealed`, plain))
  await server.stop()

  say(`filling the queue to ${OPEN_REPORTS.toLocaleString('en')} open reports…`)
  const reports = await fillQueue(target.dataDir, databaseUrl)
  server = await startServer(target)
  const cookie = await signIn(target.port, LAWYER)
  say('the queue page…')
  const queue = await measureQueue(target.port, cookie)
  say(`queue p50 ${num(queue.p50, 1)} ms, p95 ${num(queue.p95, 1)} ms over ${queue.count} requests`)
  for (const [view, p95] of queue.byView) console.log(`    ${view.padEnd(60)} p95 ${num(p95, 1)} ms`)
  await server.stop()
  return { sealed, plain, queue, reports }
}

type Flood = { quietGetP95: number; limited: FloodFigures; unlimited: FloodFigures }

/**
 * The photo flood on PGlite, each on a freshly started server (peak memory is the process's own): the
 * form opened without a flood, then the flood with the limits as shipped, then with them raised.
 */
async function measureFlood(): Promise<Flood> {
  const say = (line: string) => console.log(`[flood] ${line}`)
  const target = await instance(tempDir('lifeline-bench-flood-'), undefined, { LOG_LEVEL: 'warn' })
  await runCli(target, ['db', 'migrate'])
  await prepare(target.dataDir)
  const photos = await floodPhotos()
  const flood = async (label: string, server: Instance) => {
    const started = await startServer(server)
    try {
      const quiet = label === 'limits on' ? await probeForm(server.port, (done) => done < QUIET_PROBES) : []
      say(`${label}: ${FLOOD.writers} writers for up to ${FLOOD.seconds} s…`)
      const figures = await runFlood(server.port, started.pid, photos, FLOOD)
      say(`${label}: ${describeFlood(figures)}`)
      return { quiet, figures }
    } finally {
      await started.stop()
    }
  }
  const limited = await flood('limits on', target)
  const unlimited = await flood('limits raised', { ...target, env: { ...target.env, ...UNLIMITED } })
  return {
    quietGetP95: percentile(limited.quiet, 95),
    limited: limited.figures,
    unlimited: unlimited.figures,
  }
}

function describeFlood(f: FloodFigures): string {
  return (
    `${f.posts} posts in ${num(f.seconds)} s ${JSON.stringify(f.byStatus)}, peak RSS ${num(f.peakRssMb)} MB,` +
    ` p95 post ${num(f.postP95)} ms (201s ${num(f.acceptedP95)} ms), p95 GET ${num(f.getP95)} ms over ${f.gets}`
  )
}

function floodTable(flood: Flood): string {
  const row = (name: string, pick: (f: FloodFigures) => string) => [
    name,
    pick(flood.limited),
    pick(flood.unlimited),
  ]
  const statuses = (f: FloodFigures) =>
    Object.entries(f.byStatus)
      .map(([status, n]) => `${status}: ${n}`)
      .join(', ')
  return table(
    ['photo flood', 'limits on', 'limits raised'],
    [
      row('posts (by status)', (f) => `${f.posts} (${statuses(f)})`),
      row('server peak RSS MB', (f) => num(f.peakRssMb)),
      row('POST /help/detained p95 ms', (f) => num(f.postP95)),
      row('  of the 201s, p95 ms', (f) => num(f.acceptedP95)),
      row('  of the 503s ("try again"), p95 ms', (f) => num(f.refusedP95)),
      row('GET /help/detained p95 ms, flooded', (f) => `${num(f.getP95)} (${f.gets})`),
      ['GET /help/detained p95 ms, no flood', `${num(flood.quietGetP95)} (${QUIET_PROBES})`, ''],
    ],
  )
}

function goal(value: number, target: number, atLeast: boolean, decimals: number): string {
  const met = atLeast ? value >= target : value <= target
  return `${atLeast ? '≥' : '≤'} ${target}: ${met ? 'met' : 'MISS'} (${value.toFixed(decimals)})`
}

function summary(pglite: Figures | undefined, native: Figures | undefined): string[][] {
  const row = (
    name: string,
    pick: (f: Figures) => number,
    decimals: number,
    goals: (f: Figures, e: string) => string,
  ) => [
    name,
    pglite ? num(pick(pglite), decimals) : '—',
    native ? num(pick(native), decimals) : '—',
    [pglite ? goals(pglite, 'pglite') : '', native ? goals(native, 'native') : ''].filter(Boolean).join('; '),
    pglite && native ? (pick(pglite) / pick(native)).toFixed(2) : '—',
  ]
  const errors = (f: LoadResult) => f.non2xx + f.errors + f.timeouts
  return [
    row(
      'sealed submissions/s',
      (f) => f.sealed.requestsPerSecond,
      0,
      (f, e) => `${e} ${goal(f.sealed.requestsPerSecond, GOALS.submissionsPerSecond, true, 0)}`,
    ),
    row(
      'sealed p50 / p95 ms',
      (f) => f.sealed.p95,
      0,
      (f, e) => `${e} p50 ${num(f.sealed.p50)} ms`,
    ),
    row(
      'sealed errors',
      (f) => errors(f.sealed),
      0,
      (f, e) => `${e} ${errors(f.sealed) === 0 ? 'none: met' : 'MISS'}`,
    ),
    row(
      'unsealed submissions/s',
      (f) => f.plain.requestsPerSecond,
      0,
      () => '',
    ),
    row(
      'sealed / unsealed',
      (f) => f.sealed.requestsPerSecond / f.plain.requestsPerSecond,
      2,
      (f, e) =>
        `${e} ${goal(f.sealed.requestsPerSecond / f.plain.requestsPerSecond, GOALS.sealingRatio, true, 2)}`,
    ),
    row(
      'queue p50 ms',
      (f) => f.queue.p50,
      1,
      () => '',
    ),
    row(
      'queue p95 ms',
      (f) => f.queue.p95,
      1,
      (f, e) => (e === 'native' ? `native ${goal(f.queue.p95, GOALS.queueP95Native, false, 1)}` : ''),
    ),
  ]
}

function floodNote(started: number, loadBefore: number): string {
  return (
    `Photo flood: ${FLOOD.writers} writers from loopback, each posting the detained form with three 6000×6000` +
    `\nPNGs of 9 MB one post after another, for ${FLOOD.seconds} s or ${FLOOD.maxPosts} posts; the form opened one` +
    `\nrequest at a time, 100 ms apart, during the flood and (${QUIET_PROBES} times) before it. Limits raised:` +
    ` ${Object.entries(UNLIMITED)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')}.` +
    `\nFlood total ${num((performance.now() - started) / 1000)} s from the suite's start; load average before` +
    ` ${num(loadBefore, 2)}, now ${num(loadavg()[0], 2)}.`
  )
}

/** Runs the suite and prints its figures. */
export async function run(): Promise<void> {
  const started = performance.now()
  const loadBefore = loadavg()[0]!
  if (process.argv.includes('--flood')) {
    console.log(`\n${floodTable(await measureFlood())}\n${floodNote(started, loadBefore)}`)
    return
  }
  const seconds = loadSeconds()
  const only = onlyEngine()
  const pglite = only === 'native' ? undefined : await measureEngine('pglite', seconds)
  let native: Figures | undefined
  if (only === 'pglite') {
    // Left out on request.
  } else if (initdbAvailable()) {
    const cluster = await startCluster()
    onCleanUp(() => cluster.stop())
    native = await measureEngine('native', seconds, cluster.url('postgres'))
  } else {
    console.log('\n[native] skipped: no initdb on this machine (apt-get install postgresql)')
  }
  const flood = only === 'native' ? undefined : await measureFlood()
  console.log(`\n${table(['figure', 'pglite', 'native', 'goal', 'pglite/native'], summary(pglite, native))}`)
  if (flood) console.log(`\n${floodTable(flood)}`)
  console.log(
    `\nSubmissions: "I need legal help" posted for ${seconds} s after 5 s of warm-up by 10 connections` +
      `\n(autocannon in its own process, loopback), each with a fresh form token, sealed to a desk of 5;` +
      `\nunsealed: the same posts, checked alike, stored in clear by the benchmark-only route. Queue:` +
      `\n${QUEUE_REQUESTS} requests one at a time over 6 views (filters, the second page) with` +
      ` ${OPEN_REPORTS.toLocaleString('en')} open reports.` +
      (flood ? `\n${floodNote(started, loadBefore)}` : '') +
      `\nTotal time ${num((performance.now() - started) / 1000)} s. Load average (1 min) before ${num(loadBefore, 2)},` +
      ` after ${num(loadavg()[0], 2)}.`,
  )
}
