import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CryptoError, randomBytes } from '../crypto/primitives.ts'
import { lockBound, unlockBound } from './erasure-lock.ts'

describe('erasure locks', () => {
  const key = randomBytes(32)
  const plain = Buffer.from('a part of an item')

  it('open with the key and the context they were bound to', () => {
    assert.deepEqual(unlockBound(key, 'item 1; content', lockBound(key, 'item 1; content', plain)), plain)
  })

  it('pad what they lock, so its size tells little', () => {
    assert.equal(lockBound(key, 'c', Buffer.from('a')).length, lockBound(key, 'c', Buffer.from('ab')).length)
  })

  it('refuse another context or another key', () => {
    const locked = lockBound(key, 'item 1; content', plain)
    assert.throws(() => unlockBound(key, 'item 2; content', locked), CryptoError)
    assert.throws(() => unlockBound(randomBytes(32), 'item 1; content', locked), CryptoError)
  })
})
