import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { csvCell, csvDocument, csvLine } from './csv.ts'

describe('CSV', () => {
  it('prefixes text that a spreadsheet would run as a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      assert.ok(csvCell(`${start}SUM(A1)`).replace(/^"/, '').startsWith(`'${start}`), JSON.stringify(start))
    }
    assert.equal(csvCell('Moscow'), 'Moscow')
  })

  it('quotes commas, quotes and line breaks as RFC 4180 says, and writes numbers and booleans as they are', () => {
    assert.equal(csvCell('a,b'), '"a,b"')
    assert.equal(csvCell('say "no"'), '"say ""no"""')
    assert.equal(csvCell('two\nlines'), '"two\nlines"')
    assert.equal(csvCell('=1+2,"x"'), `"'=1+2,""x"""`)
    assert.equal(csvCell(-5), '-5')
    assert.equal(csvCell(false), 'false')
    assert.equal(csvCell(null), '')
    assert.equal(csvCell(undefined), '')
    assert.equal(csvCell(''), '')
    assert.equal(csvCell(Number.NaN), '')
  })

  it('ends every line, the header included, with CRLF', () => {
    assert.equal(csvLine(['a', 1, null, true]), 'a,1,,true\r\n')
    assert.equal(
      csvDocument(
        ['month', 'events'],
        [
          ['2022-03', 4],
          [null, 1],
        ],
      ),
      'month,events\r\n2022-03,4\r\n,1\r\n',
    )
  })
})
