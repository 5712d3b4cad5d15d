/**
 * The chronicle suite (`npm run bench -- chronicle [--events N]`, a million by default): on embedded
 * PGlite and on native PostgreSQL in one run, each figure against its baseline —
 *   import: `lifeline chronicle import` of a demo CSV vs a raw COPY of the same file into a bare table;
 *   list: the faceted public list (50 rows and facet counts) through HTTP, p50/p95;
 *   search: the list with a search query through HTTP vs the bare SQL query for the same 50 rows;
 *   statistics: the statistics page for a region and a date range through HTTP, p50/p95;
 *   export: the full public CSV export through HTTP vs `COPY … TO STDOUT`, rows/s and peak RSS growth;
 * and the PGlite/native ratio of each.
 */
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startCluster } from '../test/support/native-postgres.ts'
import { bareTable, writeDemoCsv, writeMapping } from './support/chronicle-data.ts'
import { type Instance, instance, runCli, startServer } from './support/lifeline.ts'
import {
  childrenOf,
  initdbAvailable,
  onCleanUp,
  onlyEngine,
  pidsWithCommandLine,
  pss,
  rss,
  tempDir,
  treeOf,
} from './support/processes.ts'
import { embeddedSql, nativeSql, type RawSql } from './support/raw-sql.ts'
import { num, table } from './support/report.ts'

/** One line for `npm run bench -- --list`. */
export const description =
  'chronicle at 1M events: import vs COPY, list, search vs SQL, stats, CSV export vs COPY; PGlite and native'

const GOALS = {
  importRatio: 0.5,
  listP95: { native: 50, pglite: 150 },
  searchRatio: 2,
  searchP95: { native: 50, pglite: 200 },
  statsP95Native: 100,
  exportRatio: 0.5,
  exportRssMiB: 100,
  engineRatio: 3,
}
const LIST_REQUESTS = 200
const SEARCH_REQUESTS = 100
const STATS_REQUESTS = 100

/** How many events: `--events N` after the suite name, else a million. */
function eventCount(): number {
  const at = process.argv.indexOf('--events')
  const value = at >= 0 ? Number(process.argv[at + 1]) : 1_000_000
  if (!Number.isInteger(value) || value < 1000) throw new Error('--events must be a whole number ≥ 1000')
  return value
}

// Faceted list views people open: nothing, one facet, two facets, a month range, a day range (which
// takes the blurred-date path for sensitive events), a status, an article (acts → cases), a deep page.
const listPaths = [
  '/chronicle',
  '/chronicle?type=detention',
  '/chronicle?region=RU-SPE',
  '/chronicle?type=single_picket&region=RU-MOW',
  '/chronicle?from=2022-03&to=2022-06',
  '/chronicle?from=2022-03-05&to=2022-03-20',
  '/chronicle?status=disputed',
  '/chronicle?article=uk-207.3',
  '/chronicle?region=RU-TUL&from=2022-01&to=2024-12',
]
// Words of the demo text, from rare to common; each is searched in the three languages' stemming.
const searchWords = ['граффити', 'листовок', 'мобилизации', 'Туле', 'Нет войне', 'задержаны', 'суд']
const statsPaths = [
  '/chronicle/stats?region=RU-MOW&from=2022-02&to=2022-12',
  '/chronicle/stats?region=RU-SPE&from=2022-01&to=2024-06',
  '/chronicle/stats?region=RU-TUL&from=2023-01&to=2023-12',
  '/chronicle/stats?region=RU-KDA&from=2022-09&to=2022-10',
]

/** The bare SQL behind a search page's rows: the same match, order and limit, nothing else. */
const bareSearch = `SELECT id, title, summary, type_id, region_id, start_date, locality
  FROM chronicle_events
  WHERE published_at IS NOT NULL
    AND search @@ (websearch_to_tsquery('russian', $1) || websearch_to_tsquery('english', $1)
                   || websearch_to_tsquery('simple', $1))
  ORDER BY public_date DESC NULLS LAST, id DESC
  LIMIT 50`

/**
 * The import's floor in the database: the bare table's rows into chronicle_events in one set-based
 * statement (search vector, indexes and rollup trigger included), rolled back afterwards.
 */
const setBasedInsert = `INSERT INTO chronicle_events (external_source, external_id, title, summary, type_id, start_date,
    start_precision, region_id, locality, latitude, longitude, participants, detained, authorised, subject, status,
    published_at, import_raw)
  SELECT 'bench-floor', b.external_id, jsonb_build_object('ru', b.title_ru), jsonb_build_object('ru', b.summary_ru),
    t.id, b.start_date, 'day', r.id, b.locality, b.latitude, b.longitude, b.participants, b.detained, b.authorised,
    b.subject, 'verified', now(), to_jsonb(b)
  FROM bench_raw b
  LEFT JOIN vocab_terms t ON t.vocabulary = 'event_type' AND t.code = b.type
  LEFT JOIN vocab_terms r ON r.vocabulary = 'region' AND r.code = b.region`

/** The columns a public CSV export carries, read raw for the COPY baseline. */
const copyColumns = `id, title, summary, type_id, status, start_date, start_precision, end_date, end_precision,
  region_id, locality, latitude, longitude, coord_precision, participants, detained, authorised, subject,
  organisers, sensitive, published_at, updated_at`

type Latency = {
  p50: number
  p95: number
  max: number
  count: number
  slowest: string
  /** Each distinct item's p95, so one slow URL can be told from a slow page. */
  byItem: [string, number][]
}
type Figures = {
  engine: 'pglite' | 'native'
  rows: number
  importMs: number
  copyInMs: number
  floorMs: number
  list: Latency
  search: Latency
  bareSearch: Latency
  stats: Latency
  exportRows: number
  exportMs: number
  exportBytes: number
  copyOutMs: number
  copyOutBytes: number
  exportRss: { server: number; db: number }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
}

/** Times `count` calls of `work(item)` over `items` in turn, after one untimed call of each. */
async function latencies<T>(items: T[], count: number, work: (item: T) => Promise<void>): Promise<Latency> {
  for (const item of items) await work(item)
  const samples: { ms: number; item: T }[] = []
  for (let i = 0; i < count; i++) {
    const item = items[i % items.length]!
    const started = performance.now()
    await work(item)
    samples.push({ ms: performance.now() - started, item })
  }
  const sorted = samples.map((sample) => sample.ms).sort((a, b) => a - b)
  const slowest = samples.reduce((worst, sample) => (sample.ms > worst.ms ? sample : worst))
  const byItem = items.map((item): [string, number] => [
    String(item),
    quantile(
      samples
        .filter((sample) => sample.item === item)
        .map((sample) => sample.ms)
        .sort((a, b) => a - b),
      0.95,
    ),
  ])
  return {
    byItem,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    max: sorted.at(-1) ?? Number.NaN,
    count,
    slowest: String(slowest.item),
  }
}

let address = 0
/** A GET as a visitor behind the reverse proxy: a new client address each time (no rate-limit bucket fills). */
async function get(port: number, path: string): Promise<Response> {
  address += 1
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: { 'x-forwarded-for': `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}` },
  })
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`)
  return response
}

async function fetched(port: number, path: string): Promise<void> {
  await (await get(port, path)).arrayBuffer()
}

function describeLatency(label: string, latency: Latency): string {
  const items = latency.byItem
    .map(([item, p95]) => `\n      p95 ${num(p95, 1).padStart(8)} ms  ${item}`)
    .join('')
  return `  ${label.padEnd(26)} p50 ${num(latency.p50, 1).padStart(7)} ms  p95 ${num(latency.p95, 1).padStart(7)} ms  max ${num(latency.max, 1).padStart(7)} ms  (${latency.count} requests; slowest: ${latency.slowest})${items}`
}

/** Opens the engine's database without Lifeline, runs `work`, closes it. */
async function withRawSql<T>(target: Instance, work: (raw: RawSql) => Promise<T>): Promise<T> {
  const raw = target.databaseUrl
    ? await nativeSql(target.databaseUrl)
    : await embeddedSql(join(target.dataDir, 'pglite'))
  try {
    return await work(raw)
  } finally {
    await raw.close()
  }
}

/** Streams the full public CSV export, sampling the server's and database's RSS; returns rows, time, growth. */
async function measureExport(port: number, pids: { server: number; db: () => number[] }, native: boolean) {
  const dbMemory = () =>
    pids.db().reduce((total, pid) => total + (native ? pss(pid) || rss(pid) : rss(pid)), 0)
  const before = { server: rss(pids.server), db: dbMemory() }
  const peak = { ...before }
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      peak.server = Math.max(peak.server, rss(pids.server))
      peak.db = Math.max(peak.db, dbMemory())
      await sleep(100)
    }
  })()
  const started = performance.now()
  const response = await get(port, '/chronicle/export.csv')
  if (!response.headers.get('content-type')?.startsWith('text/csv'))
    throw new Error('the export answered with a page, not CSV: is LIFELINE_EXPORT_JOB_ROWS high enough?')
  let bytes = 0
  let newlines = 0
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) newlines += 1
  }
  const ms = performance.now() - started
  sampling = false
  await sampler
  return {
    ms,
    bytes,
    newlines,
    growth: { server: peak.server - before.server, db: peak.db - before.db },
  }
}

/** Every figure on one engine, from an empty database to a loaded one. */
async function measureEngine(
  engine: 'pglite' | 'native',
  file: { csv: string; mapping: string; events: number },
  databaseUrl?: string,
): Promise<Figures> {
  const dir = tempDir(`lifeline-bench-chronicle-${engine}-`)
  // Every export streams (no background job), so the figure is the streaming path's.
  const target = await instance(dir, databaseUrl, { LIFELINE_EXPORT_JOB_ROWS: '1000000000' })
  const say = (line: string) => console.log(`[${engine}] ${line}`)

  say('migrating…')
  await runCli(target, ['db', 'migrate'])

  say('raw COPY of the file into a bare table, then one INSERT … SELECT from it (rolled back)…')
  const { copyInMs, floorMs } = await withRawSql(target, async (raw) => {
    await raw.query(bareTable)
    const copyInMs = await raw.copyIn('bench_raw', file.csv)
    const [row] = await raw.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_raw')
    if (row?.n !== file.events) throw new Error(`COPY loaded ${row?.n} rows, not ${file.events}`)
    await raw.query('BEGIN')
    const started = performance.now()
    await raw.query(setBasedInsert)
    const floorMs = performance.now() - started
    await raw.query('ROLLBACK')
    await raw.query('DROP TABLE bench_raw')
    return { copyInMs, floorMs }
  })
  say(`COPY: ${num(copyInMs)} ms, ${num((file.events / copyInMs) * 1000)} rows/s`)
  say(
    `INSERT … SELECT into chronicle_events: ${num(floorMs)} ms, ${num((file.events / floorMs) * 1000)} rows/s`,
  )

  say('importing through `lifeline chronicle import`…')
  let lastReport = 0
  const imported = await runCli(target, ['chronicle', 'import', file.csv, '--mapping', file.mapping], {
    onLine: (line) => {
      if (performance.now() - lastReport > 15_000 && /\d/.test(line)) {
        lastReport = performance.now()
        say(`  ${line.trim()}`)
      }
    },
  })
  say(`import: ${num(imported.ms)} ms, ${num((file.events / imported.ms) * 1000)} rows/s`)

  say('bare SQL: search queries and COPY … TO STDOUT…')
  const { rows, bare, copyOut, published } = await withRawSql(target, async (raw) => {
    const [counts] = await raw.query<{ rows: number; published: number; min: number; max: number }>(
      `SELECT count(*)::int AS rows, count(published_at)::int AS published, min(id)::int8 AS min, max(id)::int8 AS max
       FROM chronicle_events`,
    )
    if (counts?.rows !== file.events)
      throw new Error(`the import left ${counts?.rows} events, not ${file.events}`)
    const bare = await latencies(searchWords, SEARCH_REQUESTS, async (word) => {
      await raw.query(bareSearch, [word])
    })
    const copyOut = await raw.copyOut(
      (range) => `SELECT ${copyColumns} FROM chronicle_events WHERE published_at IS NOT NULL AND ${range}`,
      { min: Number(counts.min), max: Number(counts.max) },
    )
    return { rows: counts.rows, bare, copyOut, published: counts.published }
  })
  say(describeLatency('bare search SQL', bare))
  say(
    `COPY TO STDOUT: ${num(copyOut.ms)} ms for ${num(published)} published rows, ${num(copyOut.bytes / 2 ** 20)} MiB`,
  )

  say('starting the server…')
  const server = await startServer(target, 120_000)
  try {
    const list = await latencies(listPaths, LIST_REQUESTS, (path) => fetched(target.port, path))
    say(describeLatency('faceted list', list))
    const searchPaths = searchWords.map((word) => `/chronicle?q=${encodeURIComponent(word)}`)
    const search = await latencies(searchPaths, SEARCH_REQUESTS, (path) => fetched(target.port, path))
    say(describeLatency('search page', search))
    const stats = await latencies(statsPaths, STATS_REQUESTS, (path) => fetched(target.port, path))
    say(describeLatency('statistics page', stats))

    say('full CSV export through HTTP…')
    const postmaster = databaseUrl ? pidsWithCommandLine(`port=${new URL(databaseUrl).port} `)[0] : undefined
    const exported = await measureExport(
      target.port,
      { server: server.pid, db: () => (postmaster ? treeOf(postmaster) : childrenOf(server.pid)) },
      !!postmaster,
    )
    // One line per event plus the header (demo text holds no line breaks).
    const exportRows = exported.newlines - 1
    if (exportRows !== published) throw new Error(`the export held ${exportRows} rows, not ${published}`)
    say(
      `export: ${num(exported.ms)} ms, ${num((exportRows / exported.ms) * 1000)} rows/s, ${num(exported.bytes / 2 ** 20)} MiB;` +
        ` RSS growth server ${num(exported.growth.server / 2 ** 20, 1)} MiB, database ${num(exported.growth.db / 2 ** 20, 1)} MiB`,
    )
    return {
      engine,
      rows,
      importMs: imported.ms,
      copyInMs,
      floorMs,
      list,
      search,
      bareSearch: bare,
      stats,
      exportRows,
      exportMs: exported.ms,
      exportBytes: exported.bytes,
      copyOutMs: copyOut.ms,
      copyOutBytes: copyOut.bytes,
      exportRss: exported.growth,
    }
  } finally {
    await server.stop()
  }
}

function goal(value: number, target: number, atLeast: boolean, decimals = 2): string {
  if (!Number.isFinite(value)) return '—'
  const met = atLeast ? value >= target : value <= target
  return `${value.toFixed(decimals)} (${atLeast ? '≥' : '≤'} ${target}) ${met ? 'ok' : 'MISS'}`
}

/** The summary: each figure on both engines, its goal, and the PGlite/native ratio (goal ≤ 3). */
function summary(pglite: Figures | undefined, native: Figures | undefined): string[][] {
  const perSecond = (rows: number, ms: number) => (rows / ms) * 1000
  const mib = (bytes: number) => bytes / 2 ** 20
  type Pick = (f: Figures) => number
  // lowerIsBetter: the PGlite/native ratio is pglite/native; else native/pglite (how many times slower).
  const row = (
    figure: string,
    pick: Pick,
    options: { decimals?: number; goal?: string; lowerIsBetter?: boolean },
  ) => {
    const slower =
      native === undefined || pglite === undefined
        ? Number.NaN
        : options.lowerIsBetter
          ? pick(pglite) / pick(native)
          : pick(native) / pick(pglite)
    return [
      figure,
      pglite ? num(pick(pglite), options.decimals) : '—',
      native ? num(pick(native), options.decimals) : '—',
      options.goal ?? '',
      goal(slower, GOALS.engineRatio, false),
    ]
  }
  const both = (pick: (f: Figures) => string) =>
    `pglite ${pglite ? pick(pglite) : '—'} · native ${native ? pick(native) : '—'}`
  return [
    row('import rows/s', (f) => perSecond(f.rows, f.importMs), {}),
    row('raw COPY rows/s', (f) => perSecond(f.rows, f.copyInMs), {}),
    row('import / COPY', (f) => f.copyInMs / f.importMs, {
      decimals: 3,
      goal: both((f) => goal(f.copyInMs / f.importMs, GOALS.importRatio, true, 3)),
    }),
    row('INSERT…SELECT rows/s', (f) => perSecond(f.rows, f.floorMs), {}),
    row('INSERT…SELECT / COPY', (f) => f.copyInMs / f.floorMs, { decimals: 3 }),
    row('import / INSERT…SELECT', (f) => f.floorMs / f.importMs, { decimals: 3 }),
    row('list p50 ms', (f) => f.list.p50, { decimals: 1, lowerIsBetter: true }),
    row('list p95 ms', (f) => f.list.p95, {
      decimals: 1,
      lowerIsBetter: true,
      goal: both((f) => goal(f.list.p95, GOALS.listP95[f.engine], false, 1)),
    }),
    row('search p50 ms', (f) => f.search.p50, { decimals: 1, lowerIsBetter: true }),
    row('search p95 ms', (f) => f.search.p95, {
      decimals: 1,
      lowerIsBetter: true,
      goal: both((f) => goal(f.search.p95, GOALS.searchP95[f.engine], false, 1)),
    }),
    row('bare search SQL p50 ms', (f) => f.bareSearch.p50, { decimals: 1, lowerIsBetter: true }),
    row('bare search SQL p95 ms', (f) => f.bareSearch.p95, { decimals: 1, lowerIsBetter: true }),
    row('search p95 / bare p95', (f) => f.search.p95 / f.bareSearch.p95, {
      decimals: 2,
      lowerIsBetter: true,
      goal: both((f) => goal(f.search.p95 / f.bareSearch.p95, GOALS.searchRatio, false)),
    }),
    row('stats p50 ms', (f) => f.stats.p50, { decimals: 1, lowerIsBetter: true }),
    row('stats p95 ms', (f) => f.stats.p95, {
      decimals: 1,
      lowerIsBetter: true,
      goal: native ? `native ${goal(native.stats.p95, GOALS.statsP95Native, false, 1)}` : '',
    }),
    row('export rows/s', (f) => perSecond(f.exportRows, f.exportMs), {}),
    row('COPY TO STDOUT rows/s', (f) => perSecond(f.exportRows, f.copyOutMs), {}),
    row('export / COPY', (f) => f.copyOutMs / f.exportMs, {
      decimals: 3,
      goal: both((f) => goal(f.copyOutMs / f.exportMs, GOALS.exportRatio, true, 3)),
    }),
    row('export RSS growth server MiB', (f) => mib(f.exportRss.server), {
      decimals: 1,
      lowerIsBetter: true,
      goal: both((f) => goal(mib(f.exportRss.server), GOALS.exportRssMiB, false, 1)),
    }),
    row('export RSS growth db MiB', (f) => mib(f.exportRss.db), { decimals: 1, lowerIsBetter: true }),
    row('export MiB / COPY MiB', (f) => f.exportBytes / f.copyOutBytes, { decimals: 2, lowerIsBetter: true }),
  ]
}

/** Runs the suite and prints its figures. */
export async function run(): Promise<void> {
  const started = performance.now()
  const loadBefore = loadavg()[0]!
  const events = eventCount()
  const dir = tempDir('lifeline-bench-chronicle-data-')
  const csv = join(dir, 'events.csv')
  console.log(`\nwriting ${num(events)} demo events as CSV…`)
  const size = await writeDemoCsv(csv, events)
  console.log(`  ${num(size / 2 ** 20)} MiB in ${num((performance.now() - started) / 1000)} s`)
  const file = { csv, mapping: writeMapping(join(dir, 'bench-mapping.json')), events }

  const only = onlyEngine()
  const pglite = only === 'native' ? undefined : await measureEngine('pglite', file)
  let native: Figures | undefined
  if (only === 'pglite') {
    // Left out on request.
  } else if (initdbAvailable()) {
    const cluster = await startCluster()
    onCleanUp(() => cluster.stop())
    native = await measureEngine('native', file, cluster.url('postgres'))
  } else {
    console.log('\n[native] skipped: no initdb on this machine (apt-get install postgresql)')
  }

  console.log(
    `\n${table(['figure', 'pglite', 'native', 'goal', 'pglite/native (goal ≤ 3)'], summary(pglite, native))}`,
  )
  console.log(
    `\n${num(events)} demo events. Latencies are one request at a time through HTTP on loopback, after one` +
      `\nuntimed request per distinct URL; list: ${listPaths.length} URLs × ${(LIST_REQUESTS / listPaths.length) | 0}, search: ${searchWords.length} words,` +
      `\nstats: ${statsPaths.length} region + date-range filters. The embedded baselines open PGlite in this process` +
      `\n(COPY in chunks of 100,000 rows through /dev/blob); native ones use psql and pg against a throwaway` +
      `\ncluster (fsync off). INSERT…SELECT is the import's floor in the database: the COPYd rows into` +
      `\nchronicle_events in one statement (search vector, indexes, rollup trigger), rolled back. Export RSS` +
      `\ngrowth is the peak over a 100 ms sampling minus the figure before.` +
      `\nTotal time ${num((performance.now() - started) / 1000)} s. Load average (1 min) before ${num(loadBefore, 2)},` +
      ` after ${num(loadavg()[0], 2)}: other busy processes on the 2 cores skew every figure.`,
  )
}
