/**
 * Response compression (brotli, gzip) for what is the same for everyone, and never for a response
 * that carries a secret.
 *
 * Why not everything: BREACH. When a compressed response holds a secret next to something an
 * attacker can put in it (a search term, a form's value sent back, a path), the attacker who sees
 * only the sizes of encrypted responses can guess the secret a character at a time: a right guess
 * compresses better. The secrets here are the CSRF token (every signed-in page has one, in the
 * sign-out form, and so does every form), a help desk receipt and everything a writer reads with it,
 * invite and reset links, recovery codes, TOTP secrets and sealed reports opened for staff.
 *
 * The rule, decided per response just before it is sent: it is compressed only if
 *   - no one is signed in (every signed-in page carries a token and shows what only that member sees),
 *   - no CSRF token was made while rendering it (`csrfToken` marks the request, security.ts),
 *   - it is not on a route where people write in confidence (`config.confidential`: the help desk's
 *     forms, receipts and follow-up pages), and
 *   - nothing marked it with `markSecret` (any other page that shows a secret to someone not signed in).
 * What is left is public and session-less: the chronicle, its statistics and feeds, the API, the
 * assets. Masking the token per response would still leave receipts, reports and links exposed;
 * leaving such pages uncompressed covers every secret alike, and they are small.
 *
 * Requests' bodies are not decompressed: no route takes a compressed body, so none is accepted.
 */
import compress from '@fastify/compress'
import type { FastifyInstance, FastifyRequest } from 'fastify'

declare module 'fastify' {
  interface FastifyRequest {
    /** Whether the response carries a secret (a CSRF token, a receipt…): then it is never compressed. */
    carriesSecret: boolean
  }
}

/**
 * Below this many bytes a response goes as it is: a small page gains a few hundred bytes at most,
 * less than a round trip's worth on any circuit, for the cost of a compressor.
 */
export const COMPRESSION_THRESHOLD_BYTES = 1024

/** Marks this request's response as carrying a secret, so it is never compressed (see above). */
export function markSecret(request: FastifyRequest): void {
  request.carriesSecret = true
}

/** Whether this response may be compressed: nothing on it is secret (see the rule above). */
export function mayCompress(request: FastifyRequest): boolean {
  return !request.session && !request.carriesSecret && request.routeOptions.config?.confidential !== true
}

/** Registers compression; call before any route is added, as the plugin hooks each route as it is made. */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  app.decorateRequest('carriesSecret', false)
  // App-level onSend hooks run before the plugin's, which it adds to each route. The plugin's one
  // switch a hook can still turn by then is the request's `x-no-compression`; a client may also send
  // it, which only ever turns compression off.
  app.addHook('onSend', async (request, reply, payload) => {
    // A stream that declares its length (an export's download) keeps it: the length is how a client
    // sees a file cut short, and compressing would drop it.
    const declaresLength = reply.getHeader('content-length') !== undefined && isStream(payload)
    if (declaresLength || !mayCompress(request)) request.headers['x-no-compression'] = 'lifeline'
    return payload
  })
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    threshold: COMPRESSION_THRESHOLD_BYTES,
    globalDecompression: false,
  })
}

function isStream(payload: unknown): boolean {
  return typeof (payload as { pipe?: unknown } | null)?.pipe === 'function'
}
