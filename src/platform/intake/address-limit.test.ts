import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FastifyRequest } from 'fastify'
import { addressLimit, addressSubject } from './address-limit.ts'

describe('the per-address limit', () => {
  it('counts an address under a keyed hash, never the address itself', () => {
    const limit = addressLimit({ max: 1, timeWindow: '1 minute', refused: () => new Error('wait') })
    const key = (ip: string) => limit.keyGenerator({ ip } as FastifyRequest)
    assert.equal(key('203.0.113.7'), key('203.0.113.7'))
    assert.notEqual(key('203.0.113.7'), key('203.0.113.8'))
    assert.equal(key('203.0.113.7'), addressSubject('203.0.113.7'))
    assert.match(key('203.0.113.7'), /^[\w-]{43}$/)
    assert.ok(!key('2001:db8::1').includes('2001'))
  })
})
