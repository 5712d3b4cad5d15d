import assert from 'node:assert/strict'
import { test } from 'node:test'
import { convertRow, type TermLookup } from './convert.ts'
import { parseDateAny, precisionAgrees } from './dates.ts'
import { parseMapping } from './mapping.ts'

const terms: TermLookup = { id: () => 1, caseKind: () => 'criminal' }

test('a list of formats reads each value by the first that matches, with its precision', () => {
  const formats = ['yyyy-mm-dd', 'yyyy-mm', 'yyyy']
  assert.deepEqual(parseDateAny('2022-03-05', formats), {
    date: '2022-03-05',
    precision: 'day',
    format: 'yyyy-mm-dd',
  })
  assert.deepEqual(parseDateAny('2022-03', formats), {
    date: '2022-03-01',
    precision: 'month',
    format: 'yyyy-mm',
  })
  assert.deepEqual(parseDateAny('2022', formats), { date: '2022-01-01', precision: 'year', format: 'yyyy' })
  assert.equal(parseDateAny('март 2022', formats), null)
})

test('a stated precision may be coarser than the value, never finer', () => {
  assert.equal(precisionAgrees('month', 'day'), true)
  assert.equal(precisionAgrees('day', 'day'), true)
  assert.equal(precisionAgrees('day', 'month'), false)
  assert.equal(precisionAgrees('month', 'year'), false)
})

const mapping = (withPrecision: boolean) =>
  parseMapping({
    name: 'mixed',
    externalSource: 'mixed',
    source: { description: 'News' },
    fields: {
      'title.ru': { column: 'title' },
      startDate: { column: 'date', format: ['yyyy-mm-dd', 'yyyy-mm', 'yyyy'] },
      ...(withPrecision ? { startPrecision: { column: 'precision' } } : {}),
    },
  })

test('one date column mixes days, months and years, with or without a precision column', () => {
  const read = (date: string) => convertRow(mapping(false), { title: 'Акция', date }, 1, terms).draft
  assert.deepEqual(
    ['2022-03-05', '2022-03', '2022'].map((date) => {
      const draft = read(date)
      return [draft?.startDate, draft?.startPrecision]
    }),
    [
      ['2022-03-05', 'day'],
      ['2022-03-01', 'month'],
      ['2022-01-01', 'year'],
    ],
  )
  const agreeing = convertRow(
    mapping(true),
    { title: 'Акция', date: '2022-03-05', precision: 'month' },
    1,
    terms,
  )
  assert.equal(agreeing.draft?.startDate, '2022-03-01')
  assert.equal(agreeing.draft?.startPrecision, 'month')
})

test('a precision column finer than the date is reported with its reason', () => {
  const result = convertRow(mapping(true), { title: 'Акция', date: '2022-03', precision: 'day' }, 4, terms)
  assert.equal(result.draft, null)
  assert.deepEqual(
    result.errors.map((error) => [error.row, error.column, error.key]),
    [[4, 'precision', 'chronicle.import.error.precisionDisagrees']],
  )
})

test('a mapping refuses an empty list of formats and a format without a year', () => {
  const bad = (format: unknown) => () =>
    parseMapping({
      name: 'bad',
      externalSource: 'bad',
      source: { description: 'x' },
      fields: { 'title.ru': { column: 't' }, startDate: { column: 'd', format } },
    })
  assert.throws(bad([]))
  assert.throws(bad(['dd.mm']))
})
