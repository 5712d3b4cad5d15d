import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { barChart, columnChart, niceStep } from '../pages/stats-charts.ts'
import { albers, derive } from './derive-regions-map.ts'
import { choropleth, classify, EMPTY_FILL, fillOf, hasShape, regionsMap } from './map.ts'
import { assertWellFormedXml } from './xml-check.ts'

describe('regions map', () => {
  it('has a shape for each of the 83 federal subjects in the source, and none for occupied territories', () => {
    assert.equal(Object.keys(regionsMap.regions).length, 83)
    for (const code of ['RU-MOW', 'RU-SPE', 'RU-TUL', 'RU-KC', 'RU-CHU', 'RU-KGD'])
      assert.ok(hasShape(code), code)
    for (const code of ['UA-43', 'UA-40', 'UA-14', 'UA-09', 'UA-23', 'UA-65'])
      assert.ok(!hasShape(code), code)
    assert.ok(!hasShape(null))
    assert.ok(!hasShape('__proto__'))
  })

  it('keeps Chukotka in one piece across the antimeridian, east of Kamchatka', () => {
    const [west] = albers(-179.5, 66)
    const [east] = albers(179.5, 66)
    assert.ok(Math.abs(west - east) < 0.02, 'the two sides of 180° meet')
    const [kamchatka] = albers(160, 66)
    assert.ok(west > kamchatka)
  })

  it('derives the committed file from its geoBoundaries source unchanged', () => {
    const source = new URL('../data/sources/russia-regions-adm1.geojson', import.meta.url)
    const derived = derive(JSON.parse(readFileSync(source, 'utf8')))
    assert.deepEqual(derived.regions, regionsMap.regions)
    assert.deepEqual([...derived.viewBox], regionsMap.viewBox)
  })

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

  it('refuses malformed XML in the checker itself', () => {
    for (const bad of [
      '<svg><g></svg>',
      '<svg a="1" a="2"/>',
      '<svg>&nbsp;</svg>',
      '<svg><a b=c/></svg>',
      '<svg/><svg/>',
      '<svg>&</svg>',
    ]) {
      assert.throws(() => assertWellFormedXml(bad), bad)
    }
    assertWellFormedXml('<svg a="&amp;&#38;"><title>&lt;ok&gt;</title><g/></svg>')
  })

  it('picks round gridline steps', () => {
    assert.equal(niceStep(0), 1)
    assert.equal(niceStep(7), 2)
    assert.equal(niceStep(73), 20)
    assert.equal(niceStep(4885), 2000)
  })
})
