import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { blurDate, blurredPrecision, blurTime } from './dates.ts'

describe('blurring dates', () => {
  it('turns a day into the first of its month and leaves coarser dates as they are', () => {
    assert.equal(blurDate('2024-03-17', 'day'), '2024-03-01')
    assert.equal(blurDate('2024-03-01', 'month'), '2024-03-01')
    assert.equal(blurDate('2024-01-01', 'year'), '2024-01-01')
    assert.equal(blurDate(null, 'day'), null)
    assert.equal(blurredPrecision('day'), 'month')
    assert.equal(blurredPrecision('year'), 'year')
  })

  it('turns a moment into the first instant of its month in UTC', () => {
    assert.equal(blurTime(new Date('2024-03-31T23:30:00Z'))?.toISOString(), '2024-03-01T00:00:00.000Z')
    assert.equal(blurTime(null), null)
    assert.equal(blurTime(undefined), null)
  })
})
