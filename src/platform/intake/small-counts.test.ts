import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { shownExact, shownRounded } from './small-counts.ts'

describe('small counts', () => {
  it('round region counts to the nearest 5 and hide 1 to 4', () => {
    assert.deepEqual([0, 1, 4, 5, 7, 8, 12, 13, 102].map(shownRounded), [
      0,
      null,
      null,
      5,
      5,
      10,
      10,
      15,
      100,
    ])
  })

  it('show exact counts from 5 up and hide 1 to 4', () => {
    assert.deepEqual([0, 1, 4, 5, 7, 102].map(shownExact), [0, null, null, 5, 7, 102])
  })
})
