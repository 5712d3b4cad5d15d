import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { albers, derive } from './derive-regions-map.ts'
import { hasShape, regionsMap } from './regions-map.ts'

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
    const source = new URL('./sources/russia-regions-adm1.geojson', import.meta.url)
    const derived = derive(JSON.parse(readFileSync(source, 'utf8')))
    assert.deepEqual(derived.regions, regionsMap.regions)
    assert.deepEqual([...derived.viewBox], regionsMap.viewBox)
  })
})
