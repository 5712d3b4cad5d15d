/**
 * The optional proof of work (ALTCHA), for public forms behind a per-address limit (address-limit.ts).
 * With JavaScript on, a form fetches a challenge and the browser spends a few seconds of computing on
 * it; a post that carries a solved challenge may pass the per-address limit, which otherwise stops
 * everyone behind one shared address (a mobile carrier's NAT, a university). With JavaScript off
 * nothing changes: the limit applies as before, and the form works.
 *
 * Challenges are signed with keys from the server key (every node has the same file) and expire
 * after ten minutes. Each solution must be accepted once: the intake keeps the signatures of spent
 * ones until `expiresAt` (the help desk: helpdesk_spent_proofs). Checking one costs two HMACs and that
 * insert: the key derivation is the writer's work, not the server's.
 */
import { randomInt } from 'node:crypto'
import { createChallenge, verifySolution } from 'altcha-lib'
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2'
import { z } from 'zod'
import { coarseCeil } from '../coarse-time.ts'
import { serverKeyOf } from '../crypto/server-key.ts'
import type { Db } from '../db/database.ts'

const ALGORITHM = 'PBKDF2/SHA-256'
/**
 * How much work a challenge asks for. Each attempt derives a key with `cost` iterations and the answer
 * lies between the counter bounds: about 3,000 attempts, 2 s on one core here, 1 s with two workers.
 */
export const WORK = { cost: 5_000, counter: { min: 2_000, max: 4_000 }, lifetimeMs: 10 * 60_000 }
// A solved challenge as the widget sends it is about 700 bytes of base64.
const MAX_PAYLOAD = 4_096

/** The two secrets an intake's challenges are signed with. */
export type ProofSecrets = readonly [signature: string, keySignature: string]

/**
 * The secrets of `purpose`'s challenges ('helpdesk', …), from the server key (every node has the same
 * file), not the database: a copy of the database alone can't sign challenges that pass.
 */
export function proofSecrets(db: Db, purpose: string): ProofSecrets {
  const key = serverKeyOf(db)
  return [
    key.derive(`${purpose} proof of work signature`).toString('base64'),
    key.derive(`${purpose} proof of work key signature`).toString('base64'),
  ] as const
}

/** A new challenge for the widget (JSON as altcha-lib makes it). */
export async function newChallenge(secrets: ProofSecrets, work = WORK) {
  const [signature, keySignature] = secrets
  const { min, max } = work.counter
  return createChallenge({
    algorithm: ALGORITHM,
    cost: work.cost,
    // Unpredictable: the counter is the answer, and Math.random's state can be recovered from a few
    // solved counters, which would let a flood skip the work.
    counter: randomInt(min, max),
    deriveKey,
    expiresAt: new Date(Date.now() + work.lifetimeMs),
    hmacSignatureSecret: signature,
    hmacKeySignatureSecret: keySignature,
  })
}

// What the widget posts (base64 JSON): the challenge it was given and the solution it found. The
// parameters are kept whole (loose), as their signature covers every key.
const payloadSchema = z.object({
  challenge: z.object({
    parameters: z.looseObject({
      algorithm: z.literal(ALGORITHM),
      nonce: z.string().max(128),
      salt: z.string().max(128),
      cost: z.number().int(),
      keyLength: z.number().int(),
      keyPrefix: z.string().max(128),
      keySignature: z.string().max(256).optional(),
      expiresAt: z.number(),
    }),
    signature: z.string().max(256),
  }),
  solution: z.object({
    counter: z.number().int().nonnegative(),
    derivedKey: z.string().max(256),
    time: z.number().optional(),
  }),
})

function parsePayload(sent: unknown) {
  if (typeof sent !== 'string' || !sent || sent.length > MAX_PAYLOAD) return null
  try {
    const parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(sent, 'base64').toString('utf8')))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** A solved challenge, to be spent: its signature, kept until `expiresAt` so it passes once. */
export type SolvedProof = { signature: string; expiresAt: Date }

/**
 * `sent` (the form's `altcha` field) if it is a solution to a challenge signed with `secrets`, and
 * unexpired; null for anything else, malformed or hostile input included. The caller spends it.
 */
export async function solvedProof(secrets: ProofSecrets, sent: unknown): Promise<SolvedProof | null> {
  const payload = parsePayload(sent)
  if (!payload) return null
  const [signature, keySignature] = secrets
  const result = await verifySolution({
    challenge: payload.challenge,
    solution: payload.solution,
    deriveKey,
    hmacSignatureSecret: signature,
    hmacKeySignatureSecret: keySignature,
  })
  if (!result.verified) return null
  return {
    signature: payload.challenge.signature,
    // Kept to the end of its ten-minute window: the exact expiry is the moment the writer's page
    // fetched the challenge plus a constant, a writer's time like any other.
    expiresAt: coarseCeil(new Date(payload.challenge.parameters.expiresAt * 1000)),
  }
}
