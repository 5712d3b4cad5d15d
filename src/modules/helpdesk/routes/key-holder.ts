/** The signed-in member's key pair, for the routes that open or re-seal what is sealed to them. */
import type { FastifyRequest } from 'fastify'
import { keyPairFromPrivate } from '../../../platform/crypto/primitives.ts'
import type { KeyHolder } from '../../../platform/crypto/sealed-records.ts'
import { actor } from '../../../platform/request-context.ts'

/** The member's key pair, from the secrets their session carries. */
export function keyHolder(request: FastifyRequest): KeyHolder {
  const session = actor(request)
  return {
    userId: session.user.id,
    keyPair: keyPairFromPrivate(Buffer.from(session.secrets.privateKey, 'base64')),
  }
}
