import assert from 'node:assert/strict'
import { test } from 'node:test'
import { atPrecision, dateInWords } from './precision.ts'

test('a date is stored at its precision: a month as its first day, a year as 1 January', () => {
  assert.equal(atPrecision('2022-03-06', 'day'), '2022-03-06')
  assert.equal(atPrecision('2022-03-06', 'month'), '2022-03-01')
  assert.equal(atPrecision('2022-03-06', 'year'), '2022-01-01')
})

test('a date reads in words only as exactly as it is known', () => {
  assert.equal(dateInWords('2012-05-06', 'day', 'en'), 'May 6, 2012')
  assert.equal(dateInWords('2012-05-01', 'month', 'en'), 'May 2012')
  assert.equal(dateInWords('2012-01-01', 'year', 'en'), '2012')
  assert.equal(dateInWords('2012-01-01', 'unknown', 'en'), null)
  assert.equal(dateInWords(null, 'day', 'en'), null)
})
