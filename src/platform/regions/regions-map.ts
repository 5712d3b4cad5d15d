/**
 * The regions' outlines for maps: one SVG path per ISO 3166-2 code, in `regions-map.json`, derived
 * from geoBoundaries (sources/README.md) by derive-regions-map.ts. Occupied Ukrainian territories are
 * not in the source, so they have no shape.
 */
import { readFileSync } from 'node:fs'

type RegionsMap = {
  viewBox: [number, number, number, number]
  regions: Record<string, { name: string; path: string }>
}

/** The derived map, read once. */
export const regionsMap: RegionsMap = JSON.parse(
  readFileSync(new URL('./regions-map.json', import.meta.url), 'utf8'),
)

/** True when the map has a shape for this ISO 3166-2 code. */
export function hasShape(code: string | null): boolean {
  return code !== null && Object.hasOwn(regionsMap.regions, code)
}

/** The English name the map's source gives a region, for codes the vocabulary doesn't label. */
export function shapeName(code: string): string | undefined {
  return hasShape(code) ? regionsMap.regions[code]!.name : undefined
}
