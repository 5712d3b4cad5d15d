/**
 * Derives `regions-map.json` (one SVG path per ISO 3166-2 code) from geoBoundaries' outlines in
 * `sources/` (see sources/README.md), which stay untouched. Run it again only when the source changes:
 *
 *   node src/platform/regions/derive-regions-map.ts [source.geojson] [out.json]
 *
 * Steps: longitudes west of Greenwich are moved past 180° (Chukotka crosses the antimeridian, and
 * its two halves must meet instead of landing at both edges of the map); each point is projected
 * with an Albers equal-area conic suited to Russia (central meridian 100° E, standard parallels 52°
 * and 64° N — areas stay comparable, so a choropleth does not exaggerate the north); rings are
 * simplified with Douglas–Peucker at a fraction of a pixel of the output, islands smaller than a
 * few pixels are dropped (never a region's largest ring), and coordinates are rounded to 0.1 px.
 */
import { readFileSync, writeFileSync } from 'node:fs'

type Position = [number, number]
type Ring = Position[]
type Feature = {
  properties: { shapeISO: string; shapeName: string }
  geometry: { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] }
}

/** The output's width in SVG user units; the height follows from the projection. */
const WIDTH = 1000
/** Douglas–Peucker tolerance in output units. */
const TOLERANCE = 0.6
/** Rings with a smaller area (square output units) are dropped unless they are a region's largest. */
const MIN_AREA = 2

const rad = Math.PI / 180
const lon0 = 100 * rad
const phi1 = 52 * rad
const phi2 = 64 * rad
const phi0 = 56 * rad
const n = (Math.sin(phi1) + Math.sin(phi2)) / 2
const c = Math.cos(phi1) ** 2 + 2 * n * Math.sin(phi1)
const rho0 = Math.sqrt(c - 2 * n * Math.sin(phi0)) / n

/** Albers equal-area conic on the unit sphere; y grows southwards, as SVG's does. */
export function albers(lon: number, lat: number): Position {
  const lambda = (lon < 0 ? lon + 360 : lon) * rad
  const rho = Math.sqrt(c - 2 * n * Math.sin(lat * rad)) / n
  const theta = n * (lambda - lon0)
  return [rho * Math.sin(theta), -(rho0 - rho * Math.cos(theta))]
}

function perpendicular(p: Position, a: Position, b: Position): number {
  const dx = b[0] - a[0]
  const dy = b[1] - a[1]
  const length = Math.hypot(dx, dy)
  if (length === 0) return Math.hypot(p[0] - a[0], p[1] - a[1])
  return Math.abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / length
}

/** Douglas–Peucker, iterative (rings of thousands of points would nest deeply). */
export function simplify(points: Position[], tolerance: number): Position[] {
  if (points.length <= 3) return points
  const keep = new Uint8Array(points.length)
  keep[0] = 1
  keep[points.length - 1] = 1
  const stack: [number, number][] = [[0, points.length - 1]]
  while (stack.length) {
    const [first, last] = stack.pop()!
    let index = -1
    let max = tolerance
    for (let i = first + 1; i < last; i++) {
      const distance = perpendicular(points[i]!, points[first]!, points[last]!)
      if (distance > max) {
        max = distance
        index = i
      }
    }
    if (index >= 0) {
      keep[index] = 1
      stack.push([first, index], [index, last])
    }
  }
  return points.filter((_, i) => keep[i])
}

function area(ring: Position[]): number {
  let sum = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j]![0] + ring[i]![0]) * (ring[j]![1] - ring[i]![1])
  }
  return Math.abs(sum / 2)
}

const round = (value: number) => Math.round(value * 10) / 10

function pathOf(rings: Position[][]): string {
  return rings
    .map((ring) => {
      // Relative moves after the first point keep the file small.
      let [px, py] = [round(ring[0]![0]), round(ring[0]![1])]
      let d = `M${px} ${py}`
      for (const [x, y] of ring.slice(1)) {
        const [rx, ry] = [round(x), round(y)]
        if (rx === px && ry === py) continue
        d += `l${round(rx - px)} ${round(ry - py)}`
        ;[px, py] = [rx, ry]
      }
      return `${d}z`
    })
    .join('')
}

/** The derived map: a view box and, per ISO code, its English name and path. */
export function derive(source: { features: Feature[] }) {
  const projected = source.features.map((feature) => {
    const polygons =
      feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates
    // Holes are rare at this scale and not worth an even-odd fill; outer rings only.
    const rings = polygons.map((polygon) => polygon[0]!.map(([lon, lat]) => albers(lon, lat)))
    return { iso: feature.properties.shapeISO, name: feature.properties.shapeName, rings }
  })
  const all = projected.flatMap((region) => region.rings.flat())
  const minX = Math.min(...all.map((p) => p[0]))
  const maxX = Math.max(...all.map((p) => p[0]))
  const minY = Math.min(...all.map((p) => p[1]))
  const maxY = Math.max(...all.map((p) => p[1]))
  const margin = 5
  const scale = (WIDTH - 2 * margin) / (maxX - minX)
  const height = Math.ceil((maxY - minY) * scale + 2 * margin)
  const regions: Record<string, { name: string; path: string }> = {}
  let points = 0
  for (const region of projected.sort((a, b) => a.iso.localeCompare(b.iso))) {
    const rings = region.rings
      .map((ring) =>
        ring.map(([x, y]): Position => [(x - minX) * scale + margin, (y - minY) * scale + margin]),
      )
      .map((ring) => simplify(ring, TOLERANCE))
      .filter((ring) => ring.length >= 4)
    const largest = Math.max(...rings.map(area))
    const kept = rings.filter((ring) => area(ring) >= MIN_AREA || area(ring) === largest)
    points += kept.reduce((sum, ring) => sum + ring.length, 0)
    regions[region.iso] = { name: region.name, path: pathOf(kept) }
  }
  return { viewBox: [0, 0, WIDTH, height] as const, points, regions }
}

if (import.meta.main) {
  const from = process.argv[2] ?? new URL('./sources/russia-regions-adm1.geojson', import.meta.url)
  const to = process.argv[3] ?? new URL('./regions-map.json', import.meta.url)
  const { viewBox, points, regions } = derive(JSON.parse(readFileSync(from, 'utf8')))
  const out = {
    source:
      'geoBoundaries gbOpen RUS ADM1 (Runfola et al. 2020), simplified by cartogram-cpp; derived by src/platform/regions/derive-regions-map.ts',
    projection: 'Albers equal-area conic, lon0 100E, parallels 52N/64N; Douglas-Peucker 0.6 px',
    viewBox,
    regions,
  }
  // Formatted as biome formats JSON (short arrays on one line), so a re-run leaves no diff.
  const text = JSON.stringify(out, null, 2).replace(
    /\[\s+([^\]]*?)\s+\]/,
    (_, items: string) => `[${items.split(/,\s+/).join(', ')}]`,
  )
  writeFileSync(to, `${text}\n`)
  console.log(`${Object.keys(regions).length} regions, ${points} points, ${JSON.stringify(out).length} bytes`)
}
