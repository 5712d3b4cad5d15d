/**
 * The choropleth of regions: server-rendered SVG from the platform's regions map
 * (src/platform/regions/regions-map.ts), each region filled by its class, with a
 * tooltip naming it and its figure. Regions with figures but no shape (occupied Ukrainian
 * territories, which the source does not draw, or any code it lacks) are returned for a table.
 */
import { html } from 'ghtml'
import { assetUrl } from '../../../platform/html/assets.ts'
import { regionsMap } from '../../../platform/regions/regions-map.ts'

/** A class of values with its fill; `from`..`to` inclusive. */
export type MapClass = { from: number; to: number; fill: string }

/** Fill for regions with nothing in the filter. */
export const EMPTY_FILL = '#f3f4f6'
// ColorBrewer Reds: readable in greyscale, ordered light to dark.
const FILLS = ['#fee5d9', '#fcae91', '#fb6a4a', '#de2d26', '#a50f15']

/** Up to five classes of the non-zero values, by quantile, so each class holds about as many regions. */
export function classify(values: number[]): MapClass[] {
  const sorted = values.filter((value) => value > 0).sort((a, b) => a - b)
  if (!sorted.length) return []
  const count = Math.min(FILLS.length, sorted.length)
  const uppers = [
    ...new Set(
      Array.from({ length: count }, (_, i) => sorted[Math.ceil(((i + 1) * sorted.length) / count) - 1]!),
    ),
  ]
  const classes: MapClass[] = []
  let from = sorted[0]!
  for (const to of uppers) {
    classes.push({ from, to, fill: '' })
    from = to + 1
  }
  // Fewer classes than fills: spread them over the ramp so the darkest always means the most.
  return classes.map((c, i) => ({
    ...c,
    fill: FILLS[
      classes.length === 1 ? FILLS.length - 1 : Math.round((i * (FILLS.length - 1)) / (classes.length - 1))
    ]!,
  }))
}

/** The fill of a value among `classes`. */
export function fillOf(value: number, classes: MapClass[]): string {
  if (value <= 0) return EMPTY_FILL
  return classes.find((c) => value <= c.to)?.fill ?? classes.at(-1)?.fill ?? EMPTY_FILL
}

/** One region's figure, name and tooltip, as the page prepared them. */
export type MapRegion = { code: string; value: number; tooltip: string }

/** The map as one `role="img"` SVG labelled `label`; every shape drawn, those without a figure pale. */
export function choropleth(options: {
  label: string
  regions: MapRegion[]
  classes: MapClass[]
  noData: (code: string) => string
}) {
  const byCode = new Map(options.regions.map((region) => [region.code, region]))
  // The outlines come from one cached file; the page carries only each region's colour and name.
  const sprite = assetUrl('regions.svg')
  const [x, y, width, height] = regionsMap.viewBox
  const shapes = Object.keys(regionsMap.regions).map((code) => {
    const region = byCode.get(code)
    const fill = fillOf(region?.value ?? 0, options.classes)
    return html`<use href="${sprite}#${code}" fill="${fill}"><title>${region?.tooltip ?? options.noData(code)}</title></use>`
  })
  return html`<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${options.label}" viewBox="${x} ${y} ${width} ${height}" width="100%"><title>${options.label}</title><g stroke="#ffffff" stroke-width="0.5" stroke-linejoin="round">!${shapes.join('')}</g></svg>`
}

/** A legend swatch: a small SVG square, hidden from screen readers (the text beside it says it all). */
export function swatch(fill: string): string {
  return html`<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" width="14" height="14" viewBox="0 0 14 14"><rect width="14" height="14" fill="${fill}" stroke="#9ca3af"/></svg>`
}
