/**
 * The load generator, run in its own process so it has its own core: receives a LoadPlan over IPC,
 * runs autocannon for the warm-up and then for the measured time, and sends back the figures.
 */
import autocannon, { type RequestTemplate } from 'autocannon'
import type { LoadPlan, LoadResult } from './load.ts'

// The client addresses the requests rotate over, in X-Forwarded-For (see lifeline.ts).
const ADDRESSES = 4000

// Built once and sent in turn: a template with setupRequest would be rebuilt before every send, and
// that costs the load generator more than the bare server spends answering.
function templates(plan: LoadPlan): RequestTemplate[] {
  return Array.from({ length: ADDRESSES }, (_, n) => ({
    method: 'GET',
    path: plan.path,
    headers: { ...plan.headers, 'x-forwarded-for': `10.${plan.addressBlock}.${n >> 8}.${n & 255}` },
  }))
}

async function run(plan: LoadPlan, seconds: number) {
  return autocannon({
    url: plan.url,
    connections: plan.connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    requests: templates(plan),
  })
}

process.once('message', async (plan: LoadPlan) => {
  await run(plan, plan.warmupSeconds)
  process.send!({ type: 'measuring' })
  const cpuBefore = process.cpuUsage()
  const result = await run(plan, plan.seconds)
  const cpu = process.cpuUsage(cpuBefore)
  const figures: LoadResult = {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    loadCpu: (cpu.user + cpu.system) / 1e6 / plan.seconds,
  }
  process.send!({ type: 'done', figures }, () => process.exit(0))
})
