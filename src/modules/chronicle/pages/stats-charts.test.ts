import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertWellFormedXml } from '../../../../test/support/xml.ts'
import { barChart, columnChart, niceStep } from '../pages/stats-charts.ts'
import { choropleth, classify, EMPTY_FILL, fillOf } from './stats-choropleth.ts'
import { textWidth, wrapText } from './stats-text.ts'

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

describe('chart labels', () => {
  const long = 'Нарушение участником порядка проведения публичного мероприятия (ч. 5 ст. 20.2 КоАП)'

  it('wrap a long name onto two lines, each within the label column, and cut only what still does not fit', () => {
    const lines = wrapText(long, 348, 12, 2)
    assert.equal(lines.length, 2)
    for (const line of lines) assert.ok(textWidth(line, 12) <= 348, line)
    assert.equal(lines.join(' ').replace(/…$/, ''), long.slice(0, lines.join(' ').replace(/…$/, '').length))
    const cut = wrapText(`${long} ${long}`, 348, 12, 2)
    assert.equal(cut.length, 2)
    assert.match(cut[1]!, /…$/)
    assert.deepEqual(wrapText('Москва', 348, 12, 2), ['Москва'])
  })

  it('keep every name of a bar chart inside the SVG, and its figures too', () => {
    const svg = barChart({
      label: 'x',
      format: (value) => value.toLocaleString('ru'),
      describe: (bar) => bar.name,
      bars: [
        { name: long, value: 1_234_567 },
        { name: 'Москва', value: 3 },
      ],
    })
    const tspans = [...svg.matchAll(/<tspan x="([\d.]+)"[^>]*>([^<]+)<\/tspan>/g)]
    assert.equal(tspans.length, 3, 'the long name on two lines, the short on one')
    for (const [, x, text] of tspans) assert.ok(textWidth(text!, 12) <= Number(x), text)
    const width = Number(/viewBox="0 0 (\d+)/.exec(svg)![1])
    for (const [, x, text] of svg.matchAll(/<text x="([\d.]+)"[^>]*>([^<]+)<\/text>/g))
      assert.ok(Number(x) + textWidth(text!, 12) <= width, text)
  })

  it('leave room on a column chart for its widest figure and never overlap its ticks', () => {
    const bars = Array.from({ length: 12 }, (_, i) => ({
      name: `m${i}`,
      value: 1_200_000,
      tick: new Intl.DateTimeFormat('ru', { month: 'short', year: 'numeric' }).format(new Date(2022, i, 1)),
    }))
    const svg = columnChart({
      label: 'x',
      format: (value) => value.toLocaleString('ru'),
      describe: (bar) => bar.name,
      bars,
    })
    const texts = [...svg.matchAll(/<text x="([\d.]+)"[^>]*text-anchor="(end|middle)"[^>]*>([^<]+)<\/text>/g)]
    let previous = Number.NEGATIVE_INFINITY
    for (const [, x, anchor, text] of texts) {
      const w = textWidth(text!, 12)
      const start = anchor === 'end' ? Number(x) - w : Number(x) - w / 2
      assert.ok(start >= 0 && start + w <= 960, text)
      if (anchor === 'middle') {
        assert.ok(start >= previous, `${text} overlaps the tick before it`)
        previous = start + w
      }
    }
  })
})
