import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertWellFormedXml } from '../../../../test/support/xml.ts'
import { barChart, columnChart, niceStep } from '../pages/stats-charts.ts'
import { choropleth, classify, EMPTY_FILL, fillOf } from './stats-choropleth.ts'

describe('charts and the regions map', () => {
  it('classes non-zero values by quantile, darkest for the most', () => {
    const classes = classify([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100])
    assert.equal(classes.length, 5)
    assert.equal(classes[0]!.from, 1)
    assert.equal(classes.at(-1)!.to, 100)
    assert.equal(fillOf(0, classes), EMPTY_FILL)
    assert.equal(fillOf(100, classes), classes.at(-1)!.fill)
    assert.deepEqual(classify([0, 0]), [])
    const one = classify([7, 7, 7])
    assert.equal(one.length, 1)
    assert.equal(fillOf(7, one), one[0]!.fill)
  })

  it('renders well-formed SVG whatever the names hold', () => {
    const hostile = `<script>alert("x")</script> & ]]> 'quoted' =cmd`
    const map = choropleth({
      label: hostile,
      regions: [{ code: 'RU-MOW', value: 3, tooltip: hostile }],
      classes: classify([3]),
      noData: () => hostile,
    })
    assertWellFormedXml(map)
    assert.doesNotMatch(map, /<script/)
    const options = { label: hostile, format: String, describe: () => hostile }
    for (const svg of [
      columnChart({
        ...options,
        bars: [
          { name: hostile, value: 5, tick: hostile },
          { name: 'b', value: 0 },
        ],
      }),
      barChart({ ...options, bars: [{ name: hostile, value: 5 }] }),
      columnChart({ ...options, bars: [] }),
    ]) {
      assertWellFormedXml(svg)
      assert.doesNotMatch(svg, /<script/)
    }
  })

  it('picks round gridline steps', () => {
    assert.equal(niceStep(0), 1)
    assert.equal(niceStep(7), 2)
    assert.equal(niceStep(73), 20)
    assert.equal(niceStep(4885), 2000)
  })
})
