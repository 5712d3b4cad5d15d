/**
 * The fuzz suite (`npm run bench -- fuzz [--requests N] [--seconds N] [--engine pglite|native]`): the
 * hostile requests of test/support/fuzz.ts, 100,000 by default, sent over real HTTP on loopback to
 * `node src/main.ts` on embedded PGlite and on native PostgreSQL in one run, 16 at a time, each engine
 * bounded in time (1,800 s by default). Prints the statuses, the 5xx answers by route and kind (goal 0),
 * requests that hung or were dropped, the server's error log lines, whether a good help report and the
 * chronicle list still work afterwards, and the resident memory of the server and its database
 * before and after.
 */

import { readFileSync, statSync } from 'node:fs'
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import fc from 'fast-check'
import { buildApp } from '../src/app.ts'
import { loadEnv } from '../src/env.ts'
import { addWorker } from '../src/modules/helpdesk/commands/add-worker.ts'
import { openHelpdesk } from '../src/modules/helpdesk/commands/open-helpdesk.ts'
import { createAccount } from '../src/platform/auth/accounts.ts'
import { createInvite } from '../src/platform/auth/invites.ts'
import { attachErasureKeys } from '../src/platform/crypto/erasure-keys.ts'
import { openStore } from '../src/platform/db/database.ts'
import {
  type CsrfPair,
  csrfPairFrom,
  describeCase,
  type FuzzCase,
  fuzzCases,
  type PathValues,
  publicRoutes,
} from '../test/support/fuzz.ts'
import { startCluster } from '../test/support/native-postgres.ts'
import { instance, runCli, startServer } from './support/lifeline.ts'
import {
  childrenOf,
  initdbAvailable,
  onCleanUp,
  onlyEngine,
  pidsWithCommandLine,
  rss,
  tempDir,
  treeOf,
} from './support/processes.ts'
import { num, table } from './support/report.ts'

/** One line for `npm run bench -- --list`. */
export const description =
  'fuzz: 100,000 hostile requests to every public route over HTTP; 5xx, error logs, memory'

const AT_ONCE = 16
// A request not answered by then counts as hung (the server's own deadline for a request is 120 s,
// but none of these trickles: each is sent at once).
const HANG_MS = 60_000
// Cases are drawn this many at a time, so 100,000 of them (some of 300 KiB) are never all in memory.
const CHUNK = 1000
const DEMO_EVENTS = 200

function option(name: string, fallback: number, min: number, max: number): number {
  const at = process.argv.indexOf(name)
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be ${min} to ${max}`)
  return value
}

type Figures = {
  sent: number
  seconds: number
  statuses: Map<string, number>
  serverErrors: Map<string, { count: number; example: FuzzCase }>
  hung: number
  dropped: number
  errorLines: string[]
  after: { report: number; list: number }
  memory: { server: [number, number]; db: [number, number] }
}

/** The data the fuzzer fills path parameters with: events, an invitation; a desk so reports are taken. */
async function prepare(
  dataDir: string,
  databaseUrl?: string,
): Promise<{ values: PathValues; routes: string }> {
  const store = await openStore({ dataDir, databaseUrl })
  attachErasureKeys(store, { dataDir })
  try {
    const lawyer = await createAccount(store.db, {
      email: 'lawyer@example.org',
      displayName: 'Bench Lawyer',
      password: 'bench-password-long-enough',
      roles: ['lawyer'],
    })
    const deskId = await openHelpdesk(store.db, {
      slug: 'fuzz',
      name: 'Fuzz desk',
      takesRest: true,
      regionIds: [],
      retentionDays: 90,
      actorId: lawyer.id,
    })
    await addWorker(store.db, { deskId, userId: lawyer.id, actorId: lawyer.id })
    const invite = await createInvite(store.db, { kind: 'invite', roles: ['volunteer'] })
    const events = await store.db
      .selectFrom('chronicle_events')
      .select('id')
      .where('published_at', 'is not', null)
      .limit(50)
      .execute()
    const persons = await store.db.selectFrom('chronicle_persons').select('id').limit(20).execute()
    const cases = await store.db.selectFrom('chronicle_cases').select('id').limit(20).execute()
    // The routes as the app registers them, from an app built on the same database and closed again.
    const env = loadEnv({ LIFELINE_DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) })
    const app = await buildApp({ store, env, logger: false })
    const routes = JSON.stringify(publicRoutes(app.lifelineRoutes))
    await app.close()
    return {
      routes,
      values: {
        id: [...events, ...persons, ...cases].map((row) => String(row.id)).concat(crypto.randomUUID()),
        token: [invite.token],
        vocabulary: ['region', 'event_type', 'article'],
      },
    }
  } finally {
    await store.close()
  }
}

type Answer = { status: number; body: string } | { status: 'hung' | 'dropped'; body: string }

function send(
  port: number,
  agent: HttpAgent,
  fuzz: FuzzCase,
  extra: Record<string, string>,
): Promise<Answer> {
  return new Promise((done) => {
    let request: ReturnType<typeof httpRequest>
    try {
      request = httpRequest({
        host: '127.0.0.1',
        port,
        method: fuzz.method,
        path: fuzz.url,
        agent,
        headers: { ...extra, ...fuzz.headers, ...(fuzz.body ? { 'content-length': fuzz.body.length } : {}) },
        timeout: HANG_MS,
      })
    } catch (error) {
      // Node's client refused to send it (a header it will not write): nothing reached the server.
      done({ status: 'dropped', body: String(error) })
      return
    }
    request.on('response', (response) => {
      const chunks: Buffer[] = []
      let kept = 0
      response.on('data', (chunk: Buffer) => {
        if (kept < 4096) chunks.push(chunk)
        kept += chunk.length
      })
      response.on('end', () =>
        done({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      )
      response.on('error', () => done({ status: 'dropped', body: '' }))
    })
    request.on('timeout', () => {
      request.destroy()
      done({ status: 'hung', body: '' })
    })
    request.on('error', (error) => done({ status: 'dropped', body: String(error) }))
    request.end(fuzz.body)
  })
}

/** A CSRF cookie and token of the server at `base`, read off its sign-in form. */
async function csrfPairOf(base: string): Promise<CsrfPair> {
  const page = await fetch(`${base}/login`)
  return csrfPairFrom(page.headers.getSetCookie(), await page.text())
}

/** A good "I need legal help" report and the chronicle list, as a person would send them after the run. */
async function stillWorks(port: number): Promise<{ report: number; list: number }> {
  const base = `http://127.0.0.1:${port}`
  const headers = { 'x-forwarded-for': '10.250.0.1' }
  const form = await (await fetch(`${base}/help/legal`, { headers })).text()
  const token = /name="token" value="([A-Za-z0-9_-]{22})"/.exec(form)?.[1] ?? ''
  const csrf = await csrfPairOf(base)
  const report = await fetch(`${base}/help/legal`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      ...headers,
      cookie: `${csrf.name}=${csrf.cookie}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      _csrf: csrf.token,
      token,
      category: 'fine',
      details: 'A fine for a picket; the hearing is on Monday.',
    }).toString(),
  })
  await report.text()
  const list = await fetch(`${base}/chronicle`, { headers })
  await list.text()
  return { report: report.status, list: list.status }
}

/** Error-level lines the server wrote to its log since byte `from`. */
function errorLines(log: string, from: number): string[] {
  const text = readFileSync(log).subarray(from).toString()
  const found: string[] = []
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue
    try {
      const entry = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } }
      if (entry.level >= 50) found.push(`${entry.msg ?? ''}: ${entry.err?.message ?? ''}`)
    } catch {}
  }
  return found
}

async function measureEngine(
  engine: 'pglite' | 'native',
  limits: { requests: number; seconds: number },
  databaseUrl?: string,
): Promise<Figures> {
  const say = (line: string) => console.log(`[${engine}] ${line}`)
  const target = await instance(tempDir(`lifeline-bench-fuzz-${engine}-`), databaseUrl, { LOG_LEVEL: 'info' })
  say(`migrating, ${DEMO_EVENTS} demo events, a desk…`)
  await runCli(target, ['db', 'migrate'])
  await runCli(target, ['demo', '--events', String(DEMO_EVENTS)])
  const { values, routes: routeList } = await prepare(target.dataDir, databaseUrl)
  const routes = JSON.parse(routeList) as ReturnType<typeof publicRoutes>
  const server = await startServer(target)
  const postmaster = databaseUrl ? pidsWithCommandLine(`port=${new URL(databaseUrl).port} `)[0] : undefined
  const dbPids = () => (postmaster ? treeOf(postmaster) : childrenOf(server.pid))
  const dbRss = () => dbPids().reduce((total, pid) => total + rss(pid), 0)
  const memory = { server: [rss(server.pid), 0] as [number, number], db: [dbRss(), 0] as [number, number] }
  const logFrom = statSync(target.log).size
  say(
    `${routes.length} public routes; up to ${limits.requests.toLocaleString('en')} requests or ${limits.seconds} s…`,
  )

  const agent = new HttpAgent({ keepAlive: true, maxSockets: AT_ONCE })
  onCleanUp(() => agent.destroy())
  const arbitrary = fuzzCases(routes, values, await csrfPairOf(`http://127.0.0.1:${target.port}`))
  const statuses = new Map<string, number>()
  const serverErrors = new Map<string, { count: number; example: FuzzCase }>()
  const byRoute = new Map<string, { ms: number; count: number }>()
  const droppedWhy = new Map<string, number>()
  let sent = 0
  let hung = 0
  let dropped = 0
  const started = performance.now()
  const deadline = started + limits.seconds * 1000
  const seed = Math.floor(Math.random() * 2 ** 31)
  for (let chunk = 0; sent < limits.requests && performance.now() < deadline; chunk++) {
    const cases = fc.sample(arbitrary, {
      numRuns: Math.min(CHUNK, limits.requests - sent),
      seed: seed + chunk,
    })
    let next = 0
    const worker = async () => {
      while (next < cases.length && performance.now() < deadline) {
        const fuzz = cases[next++]!
        const n = sent++
        // Each request from an address of its own (behind the proxy the server trusts), as many people.
        const extra = { 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` }
        const began = performance.now()
        const answer = await send(target.port, agent, fuzz, extra)
        const took = byRoute.get(fuzz.route) ?? { ms: 0, count: 0 }
        byRoute.set(fuzz.route, { ms: took.ms + performance.now() - began, count: took.count + 1 })
        if (answer.status === 'dropped')
          droppedWhy.set(answer.body.slice(0, 80), (droppedWhy.get(answer.body.slice(0, 80)) ?? 0) + 1)
        const key = String(answer.status)
        statuses.set(key, (statuses.get(key) ?? 0) + 1)
        if (answer.status === 'hung') hung++
        if (answer.status === 'dropped') dropped++
        if (typeof answer.status === 'number' && answer.status >= 500) {
          const code = /"code":"(\w+)"|<code>(\w+)<\/code>/.exec(answer.body)
          const group = `${fuzz.route} (${fuzz.kind.split(':')[0]}) → ${answer.status} ${code?.[1] ?? code?.[2] ?? ''}`
          const known = serverErrors.get(group)
          if (known) known.count++
          else serverErrors.set(group, { count: 1, example: fuzz })
        }
      }
    }
    await Promise.all(Array.from({ length: AT_ONCE }, worker))
    if (chunk % 10 === 9)
      say(`${sent.toLocaleString('en')} sent, ${num((performance.now() - started) / 1000)} s`)
  }
  const seconds = (performance.now() - started) / 1000
  for (const [route, { ms, count }] of [...byRoute].sort(([, a], [, b]) => b.ms - a.ms).slice(0, 5))
    say(`  slowest: ${route}: ${count} requests, ${num(ms / count)} ms each`)
  for (const [why, n] of droppedWhy) say(`  dropped ×${n}: ${why}`)
  agent.destroy()
  const after = await stillWorks(target.port)
  memory.server[1] = rss(server.pid)
  memory.db[1] = dbRss()
  const errors = errorLines(target.log, logFrom)
  await server.stop()
  return { sent, seconds, statuses, serverErrors, hung, dropped, errorLines: errors, after, memory }
}

function report(engine: string, f: Figures) {
  const mb = (bytes: number) => `${num(bytes / 1024 / 1024)} MB`
  const fivexx = [...f.statuses].filter(([status]) => Number(status) >= 500).reduce((t, [, n]) => t + n, 0)
  console.log(
    `\n[${engine}] ${f.sent.toLocaleString('en')} requests in ${num(f.seconds)} s (${num(f.sent / f.seconds)}/s)`,
  )
  const statuses = [...f.statuses].sort(([a], [b]) => a.localeCompare(b))
  console.log(`  statuses: ${statuses.map(([status, n]) => `${status} ×${n}`).join(', ')}`)
  console.log(`  5xx: ${fivexx} (goal 0)  hung: ${f.hung}  dropped by the client or connection: ${f.dropped}`)
  for (const [group, { count, example }] of [...f.serverErrors].sort(([, a], [, b]) => b.count - a.count))
    console.log(`    ${group} ×${count}\n      e.g. ${describeCase(example)}`)
  const distinct = new Map<string, number>()
  for (const line of f.errorLines) distinct.set(line, (distinct.get(line) ?? 0) + 1)
  console.log(`  error log lines: ${f.errorLines.length}`)
  for (const [line, n] of [...distinct].sort(([, a], [, b]) => b - a).slice(0, 10))
    console.log(`    ×${n} ${line.slice(0, 160)}`)
  console.log(`  afterwards: a good help report ${f.after.report} (201 expected), /chronicle ${f.after.list}`)
  return [
    engine,
    f.sent.toLocaleString('en'),
    num(f.seconds),
    String(fivexx),
    String(f.hung),
    String(f.errorLines.length),
    `${mb(f.memory.server[0])} → ${mb(f.memory.server[1])}`,
    `${mb(f.memory.db[0])} → ${mb(f.memory.db[1])}`,
  ]
}

/** Runs the suite and prints its figures. */
export async function run(): Promise<void> {
  const started = performance.now()
  const limits = {
    requests: option('--requests', 100_000, 100, 1_000_000),
    seconds: option('--seconds', 1800, 10, 7200),
  }
  const only = onlyEngine()
  const rows: string[][] = []
  if (only !== 'native') rows.push(report('pglite', await measureEngine('pglite', limits)))
  if (only === 'pglite') {
    // Left out on request.
  } else if (initdbAvailable()) {
    const cluster = await startCluster()
    onCleanUp(() => cluster.stop())
    rows.push(report('native', await measureEngine('native', limits, cluster.url('postgres'))))
  } else {
    console.log('\n[native] skipped: no initdb on this machine (apt-get install postgresql)')
  }
  const header = ['engine', 'requests', 'seconds', '5xx', 'hung', 'error lines', 'server RSS', 'database RSS']
  console.log(`\n${table(header, rows)}`)
  console.log(
    `\nRSS before the first request → after the last. ${AT_ONCE} at a time over keep-alive connections, each` +
      `\nfrom its own X-Forwarded-For address (the server trusts one proxy), on a chronicle of ${DEMO_EVENTS} demo` +
      `\nevents and a desk of one. Total time ${num((performance.now() - started) / 1000)} s.`,
  )
}
