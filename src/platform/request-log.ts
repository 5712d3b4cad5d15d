/**
 * The request log: one line per request (method, route pattern, status; never addresses, query
 * strings or tokens), except on routes where people write in confidence (`config.confidential`).
 * Those would put a writer's exact time in the log — and a 201 beside a 200 tells a new report from
 * a repeated one — so they are only counted, and the counts written once per ten-minute window, on
 * its boundary. Whatever else such a request logs (an error) goes to a logger of its own whose lines
 * carry their window's start as their time and wait for the window's end before they are written:
 * a journal that stamps each line as it arrives (journald) learns no more than the window either.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify'
import pino from 'pino'
import { coarseFloor, onEachWindow } from './coarse-time.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Someone writes here in confidence: no log line of this request may carry its exact time. */
    confidential?: boolean
  }
}

/** A logger whose lines are dated to their window and held until it ends. */
export type WindowedLogger = { logger: FastifyBaseLogger; flush(): void; stop(): void }

/** A logger for confidential requests, writing to `destination` at each window's end. */
export function windowedLogger(level: string, destination: NodeJS.WritableStream): WindowedLogger {
  let held: string[] = []
  const flush = () => {
    if (!held.length) return
    destination.write(held.join(''))
    held = []
  }
  const logger = pino(
    { level, timestamp: () => `,"time":${coarseFloor().getTime()}` },
    { write: (line: string) => void held.push(line) },
  )
  return { logger, flush, stop: onEachWindow(flush) }
}

const isConfidential = (request: FastifyRequest) => request.routeOptions.config?.confidential === true

/**
 * Registers the per-request line and the ten-minute counts of confidential requests; with
 * `confidential`, their own log lines go through it.
 */
export function registerRequestLog(app: FastifyInstance, confidential?: WindowedLogger): void {
  const counts = new Map<string, number>()

  if (confidential)
    app.addHook('onRequest', async (request) => {
      if (isConfidential(request)) request.log = confidential.logger.child({ reqId: request.id })
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
  app.addHook('onClose', async () => {
    stop()
    // Held lines are written at shutdown rather than lost: an error matters more than its minute.
    confidential?.stop()
    confidential?.flush()
  })
}
