/** What the statistics page says in words beside each chart and the map, for readers who can't see them. */
import type { PageContext } from '../../../platform/html/layout.ts'
import { formatNumber } from '../../../platform/i18n.ts'
import type { Row } from '../present/stats.ts'
import type { Breakdown } from '../queries/stats.ts'

/** Which figure the charts and the map show. */
export type Measure = 'events' | 'detained'

/** "40 events", "40 people detained", in the reader's language and plural. */
export function measured(ctx: PageContext, measure: Measure, value: number): string {
  return ctx.t(`chronicle.stats.count.${measure}`, { count: value, n: formatNumber(value, ctx.locale) })
}

/** The gist of a breakdown in words, shown beside its chart: its span and peak, or its largest rows. */
export function chartSummary(ctx: PageContext, breakdown: Breakdown, rows: Row[], measure: Measure): string {
  const { t } = ctx
  const dated = breakdown === 'month' ? rows.filter((row) => row.key !== null) : rows
  if (!dated.length) return ''
  if (breakdown === 'month') {
    const peak = dated.reduce((best, row) => (row[measure] > best[measure] ? row : best), dated[0]!)
    return t('chronicle.stats.summary.month', {
      first: dated[0]!.name,
      last: dated.at(-1)!.name,
      top: peak.name,
      value: measured(ctx, measure, peak[measure]),
    })
  }
  return topSummary(ctx, dated, measure)
}

/** "Most: Moscow — 61 events; Saint Petersburg — 60 events; …", the first few rows by `measure`. */
export function topSummary(ctx: PageContext, rows: Row[], measure: Measure, count = 3): string {
  const top = [...rows]
    .filter((row) => row[measure] > 0)
    .sort((a, b) => b[measure] - a[measure])
    .slice(0, count)
  if (!top.length) return ctx.t('chronicle.stats.summary.none')
  const list = top.map((row) => `${row.name} — ${measured(ctx, measure, row[measure])}`).join('; ')
  return ctx.t('chronicle.stats.summary.top', { list })
}
