import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isRepeat, repeatCheck } from './double-submit.ts'

describe('a form sent again', () => {
  const key = Buffer.alloc(32, 5)
  const check = repeatCheck(key, 'token', Buffer.from('what was sent'))
  const at = new Date('2026-12-06T10:00:00Z')
  const later = (ms: number) => new Date(at.getTime() + ms)

  it('repeats the first only with the same content, soon after', () => {
    assert.equal(isRepeat({ check, receivedAt: at }, check, 60_000, later(59_999)), true)
    assert.equal(isRepeat({ check, receivedAt: at }, check, 60_000, later(60_000)), false)
    const other = repeatCheck(key, 'token', Buffer.from('something else'))
    assert.equal(isRepeat({ check, receivedAt: at }, other, 60_000, later(1)), false)
    assert.equal(isRepeat({ check: null, receivedAt: at }, check, 60_000, later(1)), false)
    assert.equal(isRepeat(undefined, check, 60_000, later(1)), false)
  })

  it('is checked under the token: the same content with another token differs', () => {
    assert.notDeepEqual(check, repeatCheck(key, 'another token', Buffer.from('what was sent')))
  })
})
