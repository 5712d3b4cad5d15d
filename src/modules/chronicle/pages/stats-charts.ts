/**
 * Bar charts as server-rendered SVG: no script, no external font, no inline style (the CSP forbids
 * it), only presentation attributes. Each chart is one `role="img"` with a label summarising it; the
 * figures themselves are in the data table under it, which is the text alternative.
 */
import { html } from 'ghtml'

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
  const [left, right, top, bottom] = [64, 12, 12, 44]
  const plotWidth = width - left - right
  const plotHeight = height - top - bottom
  const max = Math.max(0, ...bars.map((bar) => bar.value))
  const step = niceStep(max)
  const top_ = Math.max(step, Math.ceil(max / step) * step)
  const y = (value: number) => fixed(top + plotHeight - (value / top_) * plotHeight)
  const band = plotWidth / Math.max(1, bars.length)
  const barWidth = fixed(Math.max(1, band * 0.8))
  const grid = []
  for (let value = 0; value <= top_; value += step) {
    grid.push(html`<line x1="${left}" x2="${width - right}" y1="${y(value)}" y2="${y(value)}" stroke="${GRID}"/>
<text x="${left - 6}" y="${y(value) + 4}" text-anchor="end" fill="${MUTED}">${format(value)}</text>`)
  }
  const columns = bars.map((bar, i) => {
    const x = fixed(left + i * band + (band - barWidth) / 2)
    const tick = bar.tick
      ? html`<text x="${fixed(left + i * band + band / 2)}" y="${height - bottom + 16}" text-anchor="middle" fill="${MUTED}">${bar.tick}</text>`
      : ''
    return html`<g><title>${options.describe(bar)}</title><rect x="${x}" y="${y(bar.value)}" width="${barWidth}" height="${fixed(Math.max(0, top + plotHeight - y(bar.value)))}" fill="${BAR}"/>!${tick}</g>`
  })
  return svg(options.label, width, height, grid.join('') + columns.join(''))
}

/** Horizontal bars, largest first (regions, types, articles): the name on the left, the value after the bar. */
export function barChart(options: ChartOptions): string {
  const { bars, format } = options
  const width = 960
  const row = 22
  const [labelWidth, valueWidth, top] = [300, 80, 6]
  const height = top * 2 + Math.max(1, bars.length) * row
  const plotWidth = width - labelWidth - valueWidth
  const max = Math.max(1, ...bars.map((bar) => bar.value))
  const rows = bars.map((bar, i) => {
    const y = top + i * row
    const length = fixed((bar.value / max) * plotWidth)
    return html`<g><title>${options.describe(bar)}</title>
<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" fill="${INK}">${truncate(bar.name, 40)}</text>
<rect x="${labelWidth}" y="${y + 3}" width="${length}" height="${row - 6}" fill="${BAR}"/>
<text x="${fixed(labelWidth + length + 6)}" y="${y + 15}" fill="${INK}">${format(bar.value)}</text></g>`
  })
  return svg(options.label, width, height, rows.join(''))
}

/** A name cut to `max` characters with an ellipsis; the tooltip keeps it whole. */
export function truncate(name: string, max: number): string {
  const chars = [...name]
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : name
}

function svg(label: string, width: number, height: number, body: string): string {
  return html`<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${label}" viewBox="0 0 ${width} ${height}" width="100%" font-family="${FONT}" font-size="12"><title>${label}</title>!${body}</svg>`
}
