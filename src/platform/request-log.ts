/**
 * The request log: one line per request (method, route pattern, status; never addresses, query
 * strings or tokens), except on routes where people write in confidence (`config.confidential`).
 * Those would put a writer's exact time in the log — and a 201 beside a 200 tells a new report from
 * a repeated one — so they are only counted, and the counts written once per ten-minute window, on
 * its boundary. Anything such a request logs (an error) carries its window's start as its time.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify'
import { coarseFloor, onEachWindow } from './coarse-time.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Someone writes here in confidence: no log line of this request may carry its exact time. */
    confidential?: boolean
  }
}

const coarse = Symbol('lifeline.coarseTime')

/**
 * pino's `timestamp` option: exact, except on loggers marked by `coarseLogger`. pino calls it with the
 * logger writing the line as `this`, and a child logger carries its parent's marks and its own.
 */
export function lifelineTimestamp(this: unknown): string {
  const marked = (this as Record<symbol, boolean> | undefined)?.[coarse] === true
  return `,"time":${marked ? coarseFloor().getTime() : Date.now()}`
}

function coarseLogger(log: FastifyBaseLogger): FastifyBaseLogger {
  const child = log.child({})
  ;(child as unknown as Record<symbol, boolean>)[coarse] = true
  return child
}

const isConfidential = (request: FastifyRequest) => request.routeOptions.config?.confidential === true

/** Registers the per-request line and the ten-minute counts of confidential requests. */
export function registerRequestLog(app: FastifyInstance): void {
  const counts = new Map<string, number>()

  app.addHook('onRequest', async (request) => {
    if (isConfidential(request)) request.log = coarseLogger(request.log)
  })

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(none)'
    if (!isConfidential(request)) {
      request.log.info({ method: request.method, route, status: reply.statusCode }, 'request')
      return
    }
    const key = `${request.method} ${route} ${reply.statusCode}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  })

  // Written on each window's boundary (never at shutdown: a partial window's count would date it).
  const stop = onEachWindow(() => {
    if (!counts.size) return
    app.log.info({ requests: Object.fromEntries(counts) }, 'confidential requests in the last ten minutes')
    counts.clear()
  })
  app.addHook('onClose', async () => stop())
}
