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

/**
 * Every region's outline in one SVG document, each path's id its ISO 3166-2 code, with no fill or
 * stroke of its own: a map refers to each (`<use href="…#RU-MOW">`) and colours it there.
 */
export function regionsSprite(): string {
  const paths = Object.entries(regionsMap.regions).map(
    ([code, shape]) => `<path id="${code}" d="${shape.path}"/>`,
  )
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${regionsMap.viewBox.join(' ')}">${paths.join('')}</svg>`
}

/** True when the map has a shape for this ISO 3166-2 code. */
export function hasShape(code: string | null): boolean {
  return code !== null && Object.hasOwn(regionsMap.regions, code)
}

/** The English name the map's source gives a region, for codes the vocabulary doesn't label. */
export function shapeName(code: string): string | undefined {
  return hasShape(code) ? regionsMap.regions[code]!.name : undefined
}
