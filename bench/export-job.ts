/**
 * The export-job suite (`npm run bench -- export-job [--events N] [--engine pglite|native]`, 50,000
 * events by default): a large export as a visitor gets it, asked for on the page, run by the
 * background job, then downloaded over HTTP. Figures: the job's rows/s and the download's, and the
 * app process's peak RSS growth during each (the database runs in its own process either way).
 */
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { buildApp } from '../src/app.ts'
import { loadEnv } from '../src/env.ts'
import { generateDemo } from '../src/modules/chronicle/demo/generate.ts'
import { runQueuedExports } from '../src/modules/chronicle/jobs/export.ts'
import { allJobs } from '../src/modules.ts'
import { attachErasureKeys } from '../src/platform/crypto/erasure-keys.ts'
import { openStore } from '../src/platform/db/database.ts'
import { migrateToLatest } from '../src/platform/db/migrate.ts'
import { installJobs } from '../src/platform/jobs/queue.ts'
import { agent } from '../test/support/agent.ts'
import { startCluster } from '../test/support/native-postgres.ts'
import { initdbAvailable, onCleanUp, onlyEngine, tempDir } from './support/processes.ts'
import { num, table } from './support/report.ts'

/** One line for `npm run bench -- --list`. */
export const description = 'a background export: the job writing it and its download, rows/s and RSS growth'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function eventCount(): number {
  const at = process.argv.indexOf('--events')
  const value = at >= 0 ? Number(process.argv[at + 1]) : 50_000
  if (!Number.isInteger(value) || value < 1000) throw new Error('--events must be a whole number ≥ 1000')
  return value
}

// Peak RSS of this process while `work` runs, minus the figure before; sampled every 20 ms.
async function peakGrowth<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; growth: number }> {
  const before = process.memoryUsage.rss()
  let peak = before
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 20)
  const started = performance.now()
  try {
    const result = await work()
    peak = Math.max(peak, process.memoryUsage.rss())
    return { result, ms: performance.now() - started, growth: peak - before }
  } finally {
    clearInterval(sampler)
  }
}

type Figures = {
  rows: number
  bytes: number
  jobMs: number
  jobGrowth: number
  getMs: number
  getGrowth: number
}

async function measure(engine: 'pglite' | 'native', events: number, databaseUrl?: string): Promise<Figures> {
  const say = (line: string) => console.log(`[${engine}] ${line}`)
  const dir = tempDir(`lifeline-bench-export-job-${engine}-`)
  const store = await openStore({ dataDir: join(dir, 'data'), databaseUrl })
  attachErasureKeys(store, { dataDir: join(dir, 'data') })
  const closeStore = onCleanUp(() => store.close())
  await migrateToLatest(store.db)
  await installJobs(store.pool, allJobs())
  say(`generating ${num(events)} demo events…`)
  await generateDemo(store.db, { events, seed: 7, batchSize: 5000 })
  const env = loadEnv({ LIFELINE_DATA_DIR: join(dir, 'data'), LIFELINE_EXPORT_JOB_ROWS: '0' })
  const app = await buildApp({ store, env, logger: false })
  const closeApp = onCleanUp(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }

  const visitor = agent(app)
  await visitor.get('/chronicle/export.csv')
  const asked = await visitor.post('/chronicle/exports', { format: 'csv' })
  const page = String(asked.headers.location)
  if (asked.statusCode !== 303) throw new Error(`asking for the export answered ${asked.statusCode}`)
  // Collected before each figure, so what is measured is what the work holds, not earlier garbage.
  gc()
  say('running the export job…')
  const job = await peakGrowth(() => runQueuedExports(store.db))
  if (job.result !== 1) throw new Error(`the job ran ${job.result} exports, not 1`)
  gc()
  say('downloading it…')
  const got = await peakGrowth(async () => {
    const response = await fetch(`http://127.0.0.1:${port}${page}/download`)
    if (response.status !== 200) throw new Error(`the download answered ${response.status}`)
    let bytes = 0
    let newlines = 0
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) newlines += 1
    }
    return { bytes, rows: newlines - 1 }
  })
  await closeApp()
  await closeStore()
  const figures = {
    rows: got.result.rows,
    bytes: got.result.bytes,
    jobMs: job.ms,
    jobGrowth: job.growth,
    getMs: got.ms,
    getGrowth: got.growth,
  }
  say(
    `job ${num(figures.jobMs)} ms, download ${num(figures.getMs)} ms, ${num(figures.rows)} rows, ${num(figures.bytes / 2 ** 20, 1)} MiB`,
  )
  return figures
}

/** Runs the suite. */
export async function run(): Promise<void> {
  const loadBefore = loadavg()[0]!
  const events = eventCount()
  const only = onlyEngine()
  const results: [string, Figures][] = []
  if (only !== 'native') results.push(['pglite', await measure('pglite', events)])
  if (only !== 'pglite' && initdbAvailable()) {
    const cluster = await startCluster()
    onCleanUp(() => cluster.stop())
    results.push(['native', await measure('native', events, cluster.url('postgres'))])
  }
  const perSecond = (rows: number, ms: number) => num((rows / ms) * 1000)
  const mib = (bytes: number) => num(bytes / 2 ** 20, 1)
  console.log(
    `\n${table(
      [
        'engine',
        'rows',
        'MiB',
        'job rows/s',
        'job RSS growth MiB',
        'download rows/s',
        'download RSS growth MiB',
      ],
      results.map(([engine, f]) => [
        engine,
        num(f.rows),
        mib(f.bytes),
        perSecond(f.rows, f.jobMs),
        mib(f.jobGrowth),
        perSecond(f.rows, f.getMs),
        mib(f.getGrowth),
      ]),
    )}`,
  )
  console.log(
    `\nThe app runs in this process (RSS sampled every 20 ms, peak minus the figure before); the database in` +
      `\nits own. Load average (1 min) before ${num(loadBefore, 2)}, after ${num(loadavg()[0], 2)}.`,
  )
}
