/**
 * Bar charts as server-rendered SVG: no script, no external font, no inline style (the CSP forbids
 * it), only presentation attributes. Each chart is one `role="img"` with a label summarising it; the
 * figures themselves are in the data table under it, which is the text alternative. Every label is
 * sized by an estimate of its width (stats-text.ts) so none is clipped at the chart's edges.
 */
import { html } from 'ghtml'
import { textWidth, wrapText } from './stats-text.ts'

/** One bar: its full name (for its tooltip), an optional axis tick, and its value. */
export type Bar = { name: string; value: number; tick?: string }

/** What every chart needs besides its bars. */
export type ChartOptions = {
  /** The accessible name: what is shown, and the gist of it. */
  label: string
  bars: Bar[]
  /** A number as the reader writes it. */
  format: (value: number) => string
  /** A bar's tooltip, e.g. "May 2012: 40 events". */
  describe: (bar: Bar) => string
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
const FONT_SIZE = 12
const INK = '#1f2937'
const MUTED = '#6b7280'
const GRID = '#e5e7eb'
const BAR = '#b91c1c'

/** A round step giving about `count` intervals up to `max`. */
export function niceStep(max: number, count = 4): number {
  if (max <= 0) return 1
  const raw = max / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power
  return Math.max(1, step)
}

const fixed = (value: number) => Math.round(value * 10) / 10

/** Vertical bars in order (months): gridlines with values on the left, ticks under the bars. */
export function columnChart(options: ChartOptions): string {
  const { bars, format } = options
  const width = 960
  const height = 280
  const [right, top, bottom] = [12, 12, 44]
  const max = Math.max(0, ...bars.map((bar) => bar.value))
  const step = niceStep(max)
  const top_ = Math.max(step, Math.ceil(max / step) * step)
  // The value axis is as wide as its widest number ("1 200 000"), so no figure runs off the left edge.
  const left = Math.ceil(12 + textWidth(format(top_), FONT_SIZE))
  const plotWidth = width - left - right
  const plotHeight = height - top - bottom
  const y = (value: number) => fixed(top + plotHeight - (value / top_) * plotHeight)
  const band = plotWidth / Math.max(1, bars.length)
  const barWidth = fixed(Math.max(1, band * 0.8))
  const grid = []
  for (let value = 0; value <= top_; value += step) {
    grid.push(html`<line x1="${left}" x2="${width - right}" y1="${y(value)}" y2="${y(value)}" stroke="${GRID}"/>
<text x="${left - 6}" y="${y(value) + 4}" text-anchor="end" fill="${MUTED}">${format(value)}</text>`)
  }
  // A tick that would touch the one before it is left out, so ticks never overlap.
  let shownTo = Number.NEGATIVE_INFINITY
  const columns = bars.map((bar, i) => {
    const x = fixed(left + i * band + (band - barWidth) / 2)
    let tick = ''
    if (bar.tick) {
      const tickWidth = textWidth(bar.tick, FONT_SIZE)
      // Centred under its column, but kept inside the chart at both ends.
      const tickX = Math.min(width - tickWidth / 2, Math.max(tickWidth / 2, left + i * band + band / 2))
      if (tickX - tickWidth / 2 >= shownTo + 6) {
        shownTo = tickX + tickWidth / 2
        tick = html`<text x="${fixed(tickX)}" y="${height - bottom + 16}" text-anchor="middle" fill="${MUTED}">${bar.tick}</text>`
      }
    }
    return html`<g><title>${options.describe(bar)}</title><rect x="${x}" y="${y(bar.value)}" width="${barWidth}" height="${fixed(Math.max(0, top + plotHeight - y(bar.value)))}" fill="${BAR}"/>!${tick}</g>`
  })
  return svg(options.label, width, height, grid.join('') + columns.join(''))
}

/** Horizontal bars, largest first (regions, types, articles): the name on the left, the value after the bar. */
export function barChart(options: ChartOptions): string {
  const { bars, format } = options
  const width = 960
  const [labelWidth, top, line] = [360, 6, 14]
  const max = Math.max(1, ...bars.map((bar) => bar.value))
  // The widest figure fits after the longest bar.
  const valueWidth = Math.ceil(12 + textWidth(format(max), FONT_SIZE))
  // A long name (an article's) takes two lines rather than being cut; each row is as tall as the tallest.
  const names = bars.map((bar) => wrapText(bar.name, labelWidth - 12, FONT_SIZE, 2))
  const lines = Math.max(1, ...names.map((name) => name.length))
  const row = 8 + lines * line
  const height = top * 2 + Math.max(1, bars.length) * row
  const plotWidth = width - labelWidth - valueWidth
  const rows = bars.map((bar, i) => {
    const y = top + i * row
    const middle = y + row / 2
    const length = fixed((bar.value / max) * plotWidth)
    const name = names[i]!
    const first = middle + 4 - ((name.length - 1) * line) / 2
    const label = name
      .map((text, n) => html`<tspan x="${labelWidth - 8}" y="${fixed(first + n * line)}">${text}</tspan>`)
      .join('')
    return html`<g><title>${options.describe(bar)}</title>
<text text-anchor="end" fill="${INK}">!${label}</text>
<rect x="${labelWidth}" y="${fixed(middle - 8)}" width="${length}" height="16" fill="${BAR}"/>
<text x="${fixed(labelWidth + length + 6)}" y="${fixed(middle + 4)}" fill="${INK}">${format(bar.value)}</text></g>`
  })
  return svg(options.label, width, height, rows.join(''))
}

function svg(label: string, width: number, height: number, body: string): string {
  return html`<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${label}" viewBox="0 0 ${width} ${height}" width="100%" font-family="${FONT}" font-size="${FONT_SIZE}"><title>${label}</title>!${body}</svg>`
}
