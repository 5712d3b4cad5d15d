/**
 * The platform suite: the public home page and a signed-in staff page through the real server, on
 * embedded PGlite and (when installed) native PostgreSQL, against a bare node:http server sending the
 * same bytes; then cold start on an existing data dir, and resident memory of server and database;
 * then the weight of the main public pages over a demo chronicle, as sent and uncompressed, against
 * their budgets. `npm run bench -- platform --weight` measures only the weight.
 */
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { startCluster } from '../test/support/native-postgres.ts'
import { createAdmin, getStatus, instance, pageBytes, root, signIn, startServer } from './support/lifeline.ts'
import { type LoadResult, runLoad, type Watch } from './support/load.ts'
import { measurePageWeights, weightHeader, weightRows } from './support/page-weight.ts'
import {
  childrenOf,
  freePort,
  initdbAvailable,
  onCleanUp,
  pidsWithCommandLine,
  pss,
  rss,
  spawnGroup,
  tempDir,
  treeOf,
} from './support/processes.ts'
import { median, num, ratio, table } from './support/report.ts'

/** One line for `npm run bench -- --list`. */
export const description =
  'home and staff pages, cold start and memory: PGlite, native PostgreSQL, bare node:http; page weight'

const ADMIN = { email: 'bench@example.org', name: 'Bench Admin', password: 'bench-password-long-enough' }
const COLD_STARTS = 3
const COLD_START_GOAL_MS = 3000
const RATIO_GOAL = 0.5

type Memory = { server: number; db: number }
type EngineFigures = {
  home: LoadResult
  staff: LoadResult
  startMemory: Memory
  loadedMemory: Memory
  coldStartsMs: number[]
  homeBody: Buffer
  staffBody: Buffer
  cookie: string
}

function describe(label: string, result: LoadResult): string {
  const cores = (value: number | undefined) => (value === undefined ? '' : `${value.toFixed(2)}`)
  return (
    `  ${label.padEnd(22)} ${num(result.requestsPerSecond).padStart(7)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms` +
    `  non-2xx ${result.non2xx}  errors ${result.errors + result.timeouts}` +
    `  cpu: server ${cores(result.serverCpu)} db ${cores(result.dbCpu)} load ${cores(result.loadCpu)}` +
    // Both cores are then busy: the figure is what this machine can measure, not the server's limit.
    (result.loadCpu >= 0.9 ? '  (load generator saturated)' : '')
  )
}

/** Runs the whole server on one engine: sign in, load both pages, measure memory, then cold starts. */
async function measureEngine(engine: 'pglite' | 'native', databaseUrl?: string): Promise<EngineFigures> {
  const target = await instance(tempDir(`lifeline-bench-${engine}-`), databaseUrl)
  console.log(`\n[${engine}] creating the administrator with the CLI…`)
  await createAdmin(target, ADMIN)
  const server = await startServer(target)
  console.log(`[${engine}] server up in ${num(server.startMs)} ms (pid ${server.pid}); signing in…`)
  const cookie = await signIn(target.port, ADMIN)
  const homeBody = await pageBytes(target.port, '/')
  const staffBody = await pageBytes(target.port, '/staff', cookie)

  // The embedded database is the server's child process; a native cluster is the postmaster's tree.
  const postmaster = databaseUrl ? pidsWithCommandLine(`port=${new URL(databaseUrl).port} `)[0] : undefined
  const dbPids = () => (postmaster ? treeOf(postmaster) : childrenOf(server.pid))
  const memory = (): Memory => ({
    server: rss(server.pid),
    // Native backends share PostgreSQL's buffers: their RSS would count them once per backend.
    db: dbPids().reduce((total, pid) => total + (postmaster ? pss(pid) || rss(pid) : rss(pid)), 0),
  })
  const watch: Watch = { server: () => [server.pid], db: dbPids }
  const startMemory = memory()

  const home = await runLoad(target.port, '/', { watch })
  console.log(describe(`${engine} GET /`, home))
  const staff = await runLoad(target.port, '/staff', { headers: { cookie }, watch })
  console.log(describe(`${engine} GET /staff`, staff))
  const loadedMemory = memory()
  await server.stop()

  const coldStartsMs: number[] = []
  for (let i = 0; i < COLD_STARTS; i++) {
    const again = await startServer(target)
    coldStartsMs.push(again.startMs)
    await again.stop()
  }
  console.log(
    `  ${engine} cold start to first 200: ${coldStartsMs.map((ms) => `${num(ms)} ms`).join(', ')}` +
      ` (median ${num(median(coldStartsMs))} ms)`,
  )
  return { home, staff, startMemory, loadedMemory, coldStartsMs, homeBody, staffBody, cookie }
}

/** The baseline: the bare server with copies of the real pages, loaded the same way. */
async function measureBare(pglite: EngineFigures) {
  const dir = tempDir('lifeline-bench-bare-')
  writeFileSync(join(dir, 'home.html'), pglite.homeBody)
  writeFileSync(join(dir, 'staff.html'), pglite.staffBody)
  const port = await freePort()
  const bare = spawnGroup(
    process.execPath,
    [
      join(root, 'bench/support/bare-server.ts'),
      String(port),
      `/=${join(dir, 'home.html')}`,
      `/staff=${join(dir, 'staff.html')}`,
    ],
    { cwd: root, env: process.env, log: join(dir, 'bare.log') },
  )
  for (let i = 0; i < 500 && (await getStatus(port)) !== 200; i++)
    await new Promise((done) => setTimeout(done, 10))
  const watch: Watch = { server: () => [bare.pid], db: () => [] }
  console.log(
    `\n[bare] node:http with the same bodies (${pglite.homeBody.length} and ${pglite.staffBody.length} bytes)`,
  )
  const home = await runLoad(port, '/', { watch })
  console.log(describe('bare GET /', home))
  const staff = await runLoad(port, '/staff', { headers: { cookie: pglite.cookie }, watch })
  console.log(describe('bare GET /staff', staff))
  const memory = rss(bare.pid)
  await bare.stop()
  return { home, staff, memory }
}

function goal(value: number, target: number, atLeast: boolean, decimals: number): string {
  const met = atLeast ? value >= target : value <= target
  return `${value.toFixed(decimals)} (${atLeast ? '≥' : '≤'}${target}) ${met ? 'ok' : 'MISS'}`
}

type Bare = Awaited<ReturnType<typeof measureBare>>

/** The summary rows: each figure for PGlite, native and bare, the goal, and the ratios between them. */
function summary(pglite: EngineFigures, native: EngineFigures | undefined, bare: Bare): string[][] {
  type Pick = (figures: EngineFigures) => number
  const row = (figure: string, pick: Pick, options: { bare?: number; decimals?: number; goal?: string }) => [
    figure,
    num(pick(pglite), options.decimals),
    native ? num(pick(native), options.decimals) : '—',
    num(options.bare, options.decimals),
    options.goal ?? '—',
    native ? ratio(pick(native), options.bare) : '—',
    native ? ratio(pick(pglite), pick(native)) : '—',
  ]
  const mb = (bytes: number) => bytes / 1024 / 1024
  const throughput = (page: 'home' | 'staff') =>
    row(`${page} req/s`, (f) => f[page].requestsPerSecond, {
      bare: bare[page].requestsPerSecond,
      goal: goal(pglite[page].requestsPerSecond / bare[page].requestsPerSecond, RATIO_GOAL, true, 2),
    })
  const latency = (page: 'home' | 'staff', quantile: 'p50' | 'p99') =>
    row(`${page} ${quantile} latency ms`, (f) => f[page][quantile], { bare: bare[page][quantile] })
  const memory = (when: 'startMemory' | 'loadedMemory', label: string) => [
    row(`RSS ${label}: server MiB`, (f) => mb(f[when].server), {
      decimals: 1,
      bare: when === 'loadedMemory' ? mb(bare.memory) : undefined,
    }),
    row(`RSS ${label}: database MiB`, (f) => mb(f[when].db), { decimals: 1 }),
    row(`RSS ${label}: sum MiB`, (f) => mb(f[when].server + f[when].db), { decimals: 1 }),
  ]
  return [
    throughput('home'),
    latency('home', 'p50'),
    latency('home', 'p99'),
    throughput('staff'),
    latency('staff', 'p50'),
    latency('staff', 'p99'),
    row('staff CPU server (cores)', (f) => f.staff.serverCpu ?? Number.NaN, {
      decimals: 2,
      bare: bare.staff.serverCpu,
    }),
    row('staff CPU database (cores)', (f) => f.staff.dbCpu ?? Number.NaN, { decimals: 2 }),
    row('cold start median ms', (f) => median(f.coldStartsMs), {
      goal: goal(median(pglite.coldStartsMs), COLD_START_GOAL_MS, false, 0),
    }),
    ...memory('startMemory', 'after start'),
    ...memory('loadedMemory', 'after load'),
  ]
}

/** Measures the public pages' weight and prints it beside the budgets. */
async function printPageWeights(): Promise<void> {
  const weights = await measurePageWeights()
  console.log(`\n${table(weightHeader, weightRows(weights))}`)
  console.log(
    '\nsent = the body as it came over the wire asking for br and gzip; plain = asking for no encoding.' +
      '\nBudgets are for the size as sent. /help is a help desk page and so never compressed.',
  )
}

/** Runs the suite and prints its figures. */
export async function run(): Promise<void> {
  if (process.argv.includes('--weight')) return printPageWeights()
  const started = performance.now()
  const loadBefore = loadavg()[0]!
  const pglite = await measureEngine('pglite')
  let native: EngineFigures | undefined
  if (initdbAvailable()) {
    const cluster = await startCluster()
    onCleanUp(() => cluster.stop())
    native = await measureEngine('native', cluster.url('postgres'))
    if (native.staffBody.length !== pglite.staffBody.length)
      console.log(
        `  note: /staff is ${native.staffBody.length} bytes on native, ${pglite.staffBody.length} on PGlite`,
      )
  } else {
    console.log('\n[native] skipped: no initdb on this machine (apt-get install postgresql)')
  }
  const bare = await measureBare(pglite)

  const rows = summary(pglite, native, bare)
  console.log(
    `\n${table(['figure', 'pglite', 'native', 'bare', 'ratio(goal)', 'native/bare', 'pglite/nat'], rows)}`,
  )
  console.log(
    `\nratio(goal) = pglite/bare against its goal. 10 connections, 10 s after a 2 s warm-up, loopback.` +
      `\nhome is a first visit (no cookies); staff sends the session and CSRF cookies. Native db memory is` +
      `\nthe sum of PSS over the cluster's processes (RSS would count shared buffers once per backend).` +
      `\nTotal time ${num((performance.now() - started) / 1000)} s. Load average (1 min) before ${num(loadBefore, 2)},` +
      ` after ${num(loadavg()[0], 2)}: other busy processes on the 2 cores skew every figure.`,
  )
  await printPageWeights()
}
