/**
 * How long the server waits for a client. Without these a client could hold a connection open for
 * ever by sending its request a byte at a time (and behind an onion service nothing in front buffers
 * requests for us), or by never reading the answer. Node checks the deadlines every `checkEveryMs`
 * and answers a request that misses one with 408, closing its connection.
 */
import type { Server } from 'node:http'
import type { FastifyHttpOptions } from 'fastify'
import type { Env } from '../env.ts'

/** The server's deadlines, in milliseconds. */
export type ServerTimeouts = {
  /** From a request's first byte to the end of its headers. */
  headersMs: number
  /** From a request's first byte to the end of its body. */
  requestMs: number
  /** Nothing received or sent on a connection, in the middle of a request or not. */
  idleMs: number
  /** An open connection waiting for its next request. */
  keepAliveMs: number
  /** How often running requests are checked against `headersMs` and `requestMs`. */
  checkEveryMs: number
}

// A browser sends its headers in one packet: even over Tor they arrive within seconds.
const HEADERS_TIMEOUT_MS = 30_000
// Two minutes of silence both ways: a client that stopped reading its answer, or one that is gone. Long
// enough for a page that waits behind a long import on the embedded database's single connection.
const IDLE_TIMEOUT_MS = 120_000
// Longer than a reverse proxy's usual 60 s for idle upstream connections, so the proxy closes an idle
// one first: closed by us as the proxy sends a request on it, that request would fail.
const KEEP_ALIVE_TIMEOUT_MS = 72_000
// Node's own default is 30 s; a request over its deadline is closed at most this much later.
const CHECK_EVERY_MS = 5_000

/** The deadlines from the settings (the whole-request one is LIFELINE_REQUEST_TIMEOUT_S), with `overrides`. */
export function serverTimeouts(env: Env, overrides: Partial<ServerTimeouts> = {}): ServerTimeouts {
  return {
    headersMs: HEADERS_TIMEOUT_MS,
    requestMs: env.LIFELINE_REQUEST_TIMEOUT_S * 1000,
    idleMs: IDLE_TIMEOUT_MS,
    keepAliveMs: KEEP_ALIVE_TIMEOUT_MS,
    checkEveryMs: CHECK_EVERY_MS,
    ...overrides,
  }
}

/** Fastify's options for these deadlines (Node's own for headers and for how often they are checked). */
export function timeoutOptions(timeouts: ServerTimeouts): FastifyHttpOptions<Server> {
  return {
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: {
      // Node refuses a headers deadline later than the whole request's.
      headersTimeout: Math.min(timeouts.headersMs, timeouts.requestMs),
      connectionsCheckingInterval: timeouts.checkEveryMs,
    },
  }
}
