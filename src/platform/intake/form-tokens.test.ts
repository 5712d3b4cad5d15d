import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  FORM_TOKEN_PATTERN,
  formTokenField,
  formTokenHash,
  keptFormToken,
  newFormToken,
} from './form-tokens.ts'

describe('form tokens', () => {
  it('are new each time, in the shape their field accepts', () => {
    const [a, b] = [newFormToken(), newFormToken()]
    assert.notEqual(a, b)
    assert.match(a, FORM_TOKEN_PATTERN)
    assert.equal(formTokenField('expired').safeParse(a).success, true)
    assert.equal(formTokenField('expired').safeParse('short').error?.issues[0]?.message, 'expired')
  })

  it('are kept by a refused form only when well formed', () => {
    const token = newFormToken()
    assert.equal(keptFormToken({ token }), token)
    assert.equal(keptFormToken({ token: `${token}x` }), undefined)
    assert.equal(keptFormToken({ token: ['a'] }), undefined)
    assert.equal(keptFormToken(undefined), undefined)
  })

  it('are stored as a hash per purpose', () => {
    const token = newFormToken()
    assert.deepEqual(formTokenHash(token, 'a'), formTokenHash(token, 'a'))
    assert.notDeepEqual(formTokenHash(token, 'a'), formTokenHash(token, 'b'))
  })
})
