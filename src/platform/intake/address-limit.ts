/**
 * The per-address limit of a public form (for @fastify/rate-limit, in a route's `config.rateLimit`):
 * so many posts per address in a window, after which the writer is told to wait and nothing they were
 * given a receipt for is affected. Loopback is left out: behind an onion service every writer arrives
 * from it. A post may also pass with a solved proof of work (proof-of-work.ts), which the form's widget
 * puts in its address (`?altcha=`): the limit is checked before the body is read, so a flood over it is
 * turned away before its photos are.
 */
import { createHmac } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { isLoopback } from '../auth/throttle.ts'
import { randomBytes } from '../crypto/primitives.ts'

// Addresses are counted under keyed hashes, with a key made at start and never stored: a memory dump
// of a running node lists no address in clear, and a restart forgets every count.
const addressKey = randomBytes(32)

/** What counts of `address` are kept under in memory: a keyed hash, never the address. */
export function addressSubject(address: string): string {
  return createHmac('sha256', addressKey).update(address).digest('base64url')
}

/** A rate limit's key for a request: its address's keyed hash (for @fastify/rate-limit). */
export const hashedAddressKey = (request: FastifyRequest): string => addressSubject(request.ip ?? '')

/** A per-address limit's settings for @fastify/rate-limit. */
export type AddressLimit = {
  max: number
  timeWindow: string
  keyGenerator: (request: FastifyRequest) => string
  allowList: (request: FastifyRequest) => boolean | Promise<boolean>
  errorResponseBuilder: () => Error
}

/**
 * At most `max` posts per address in `timeWindow`, answered with `refused()` past that. With `passes`,
 * a post past the limit still goes through when `passes` says so (spending a proof of work).
 */
export function addressLimit(options: {
  max: number
  timeWindow: string
  refused: () => Error
  passes?: (request: FastifyRequest) => Promise<boolean>
}): AddressLimit {
  const { passes } = options
  return {
    max: options.max,
    timeWindow: options.timeWindow,
    keyGenerator: hashedAddressKey,
    allowList: passes
      ? async (request) => isLoopback(request.ip ?? '') || (await passes(request))
      : (request) => isLoopback(request.ip ?? ''),
    errorResponseBuilder: options.refused,
  }
}

/** The proof of work a post carries in its address (`?altcha=`), as the widget puts it there. */
export function sentProof(request: FastifyRequest): unknown {
  return (request.query as { altcha?: unknown } | undefined)?.altcha
}
