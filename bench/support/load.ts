/** Runs one load test in a separate process (load-worker.ts) and samples the servers' CPU meanwhile. */
import { fork } from 'node:child_process'
import { cpuSeconds, onCleanUp } from './processes.ts'

/**
 * What the load generator is told: one path, loopback only, bounded in time. GET by default; with
 * `form`, a POST of those fields plus a fresh one-time `token` in each request (as a form page gives).
 */
export type LoadPlan = {
  url: string
  path: string
  headers: Record<string, string>
  form?: Record<string, string>
  connections: number
  warmupSeconds: number
  seconds: number
  /** Second octet of the X-Forwarded-For addresses, so runs don't share rate-limit buckets. */
  addressBlock: number
}

/** Figures of the measured part of a run. CPU figures are in cores (1 = one core busy). */
export type LoadResult = {
  requestsPerSecond: number
  p50: number
  p95: number
  p99: number
  total: number
  non2xx: number
  /** The non-2xx answers by status code. */
  non2xxByStatus?: Record<string, number>
  errors: number
  timeouts: number
  loadCpu: number
  serverCpu?: number
  dbCpu?: number
}

let block = 0

/** The processes whose CPU use a run reports, listed afresh at each sample (backends come and go). */
export type Watch = { server: () => number[]; db: () => number[] }

/** Loads `path` on 127.0.0.1:`port`; `watch` names pids whose CPU use to report (server, database). */
export async function runLoad(
  port: number,
  path: string,
  options: {
    headers?: Record<string, string>
    watch?: Watch
    form?: Record<string, string>
    seconds?: number
    warmupSeconds?: number
  } = {},
): Promise<LoadResult> {
  const plan: LoadPlan = {
    url: `http://127.0.0.1:${port}`,
    path,
    headers: options.headers ?? {},
    form: options.form,
    connections: 10,
    warmupSeconds: options.warmupSeconds ?? 2,
    seconds: options.seconds ?? 10,
    addressBlock: ++block,
  }
  const worker = fork(new URL('./load-worker.ts', import.meta.url), { stdio: 'inherit' })
  const stop = onCleanUp(() => {
    worker.kill('SIGKILL')
  })
  const sum = (pids: () => number[]) => pids().reduce((total, pid) => total + cpuSeconds(pid), 0)
  let before = { server: 0, db: 0, at: 0 }
  try {
    const figures = await new Promise<LoadResult>((done, fail) => {
      worker.on('message', (message: { type: string; figures?: LoadResult }) => {
        if (message.type === 'measuring' && options.watch) {
          before = { server: sum(options.watch.server), db: sum(options.watch.db), at: performance.now() }
        }
        if (message.type === 'done' && message.figures) {
          const result = message.figures
          if (options.watch) {
            const elapsed = (performance.now() - before.at) / 1000
            result.serverCpu = Math.max(0, sum(options.watch.server) - before.server) / elapsed
            result.dbCpu = Math.max(0, sum(options.watch.db) - before.db) / elapsed
          }
          done(result)
        }
      })
      worker.once('exit', (code) => fail(new Error(`load worker exited (${code}) without a result`)))
      worker.send(plan)
    })
    return figures
  } finally {
    await stop()
  }
}
