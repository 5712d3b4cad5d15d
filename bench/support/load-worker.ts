/**
 * The load generator, run in its own process so it has its own core: receives a LoadPlan over IPC,
 * runs autocannon for the warm-up and then for the measured time, and sends back the figures.
 */
import { randomBytes } from 'node:crypto'
import autocannon, { type RequestTemplate } from 'autocannon'
import type { LoadPlan, LoadResult } from './load.ts'

// The client addresses the requests rotate over, in X-Forwarded-For (see lifeline.ts).
const ADDRESSES = 4000

// Built once and sent in turn: a template with setupRequest would be rebuilt before every send, and
// that costs the load generator more than the bare server spends answering.
// A form post is rebuilt before each send: every one carries a token of its own, and comes from an
// address of its own (65,536 of them), as writers do: the forms allow 10 posts per address in 10 minutes.
let sent = 0
function templates(plan: LoadPlan): RequestTemplate[] {
  return Array.from({ length: ADDRESSES }, (_, n) => {
    const headers = { ...plan.headers, 'x-forwarded-for': `10.${plan.addressBlock}.${n >> 8}.${n & 255}` }
    if (!plan.form) return { method: 'GET', path: plan.path, headers }
    const form = plan.form
    return {
      method: 'POST',
      path: plan.path,
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      setupRequest: (request: RequestTemplate) => {
        const n = sent++ & 0xffff
        return {
          ...request,
          headers: { ...request.headers, 'x-forwarded-for': `10.${plan.addressBlock}.${n >> 8}.${n & 255}` },
          body: new URLSearchParams({ ...form, token: randomBytes(16).toString('base64url') }).toString(),
        }
      },
    }
  })
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0
}

async function run(plan: LoadPlan, seconds: number, times?: number[], statuses?: Map<number, number>) {
  const running = autocannon({
    url: plan.url,
    connections: plan.connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    requests: templates(plan),
  })
  running.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    times?.push(ms)
    if (status >= 300) statuses?.set(status, (statuses.get(status) ?? 0) + 1)
  })
  return running
}

process.once('message', async (plan: LoadPlan) => {
  await run(plan, plan.warmupSeconds)
  process.send!({ type: 'measuring' })
  const cpuBefore = process.cpuUsage()
  const times: number[] = []
  const statuses = new Map<number, number>()
  const result = await run(plan, plan.seconds, times, statuses)
  times.sort((a, b) => a - b)
  const cpu = process.cpuUsage(cpuBefore)
  const figures: LoadResult = {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p95: percentile(times, 95),
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    non2xxByStatus: Object.fromEntries(statuses),
    errors: result.errors,
    timeouts: result.timeouts,
    loadCpu: (cpu.user + cpu.system) / 1e6 / plan.seconds,
  }
  process.send!({ type: 'done', figures }, () => process.exit(0))
})
