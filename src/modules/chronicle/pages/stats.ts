/**
 * /chronicle/stats: the filter form, then for each breakdown a chart with its gist in words beside it,
 * the table of its figures folded under it (the chart's text alternative: Tor Browser at its safest
 * draws no SVG) and a CSV link; and the map of regions with the regions it can't draw.
 */
import { html } from 'ghtml'
import { errorSummary } from '../../../platform/html/forms.ts'
import { layout, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { formatNumber } from '../../../platform/i18n.ts'
import { monthName, type Row, rowsOf } from '../present/stats.ts'
import type { Breakdown, Stats } from '../queries/stats.ts'
import { type Bar, barChart, columnChart } from './stats-charts.ts'
import { type StatsFormInput, statsForm, statsFormLabels } from './stats-form.ts'
import { mapSection } from './stats-map.ts'
import { chartSummary, type Measure, measured } from './stats-summary.ts'

/** What the page shows: the form, and the figures when the filter was valid. */
export type StatsPage = {
  form: StatsFormInput
  result?: { stats: Stats; measure: Measure; query: string }
}

function ticks(rows: Row[], ctx: PageContext): (string | undefined)[] {
  if (rows.length <= 12)
    return rows.map((row) => (row.key ? monthName(row.key, ctx.locale, 'short') : undefined))
  // About a dozen year labels at most, each on a January (or on the first month shown).
  const every = Math.max(1, Math.ceil(rows.length / 144))
  return rows.map((row, i) => {
    if (!row.key) return undefined
    const year = Number(row.key.slice(0, 4))
    const january = row.key.endsWith('-01') || i === 0
    return january && year % every === 0 ? String(year) : undefined
  })
}

function chart(ctx: PageContext, breakdown: Breakdown, rows: Row[], measure: Measure): string {
  const { t } = ctx
  const dated = breakdown === 'month' ? rows.filter((row) => row.key !== null) : rows
  if (!dated.length) return ''
  const tickOf = breakdown === 'month' ? ticks(dated, ctx) : []
  const bars: Bar[] = dated.map((row, i) => ({ name: row.name, value: row[measure], tick: tickOf[i] }))
  const peak = bars.reduce((best, bar) => (bar.value > best.value ? bar : best), bars[0]!)
  const label = t(`chronicle.stats.chart.${breakdown}`, {
    measure: t(`chronicle.stats.measure.${measure}`),
    first: dated[0]!.name,
    last: dated.at(-1)!.name,
    top: peak.name,
    value: measured(ctx, measure, peak.value),
  })
  const options = {
    label,
    bars,
    format: (value: number) => formatNumber(value, ctx.locale),
    describe: (bar: Bar) => `${bar.name}: ${measured(ctx, measure, bar.value)}`,
  }
  return breakdown === 'month' ? columnChart(options) : barChart(options)
}

function table(ctx: PageContext, breakdown: Breakdown, rows: Row[], stats: Stats): string {
  const { t, locale } = ctx
  const body = rows.map(
    (row) =>
      html`<tr><th scope="row">${row.name}</th><td class="num">${formatNumber(row.events, locale)}</td><td class="num">${formatNumber(row.detained, locale)}</td></tr>`,
  )
  // Articles overlap (an event can have several), so only the other breakdowns add up to the total.
  const total =
    breakdown === 'article'
      ? ''
      : html`<tfoot><tr><th scope="row">${t('chronicle.stats.total')}</th><td class="num">${formatNumber(stats.totals.events, locale)}</td><td class="num">${formatNumber(stats.totals.detained, locale)}</td></tr></tfoot>`
  return html`<details class="disclosure"><summary>${t('chronicle.stats.showTable', { what: t(`chronicle.stats.caption.${breakdown}`) })}</summary>
!${scrollingTable(
    `stats-${breakdown}-caption`,
    t(`chronicle.stats.caption.${breakdown}`),
    html`<thead><tr><th scope="col">${t(`chronicle.stats.column.${breakdown}`)}</th><th scope="col" class="num">${t('chronicle.stats.column.events')}</th><th scope="col" class="num">${t('chronicle.stats.column.detained')}</th></tr></thead>
<tbody>!${body.join('')}</tbody>!${total}`,
  )}</details>`
}

function section(ctx: PageContext, breakdown: Breakdown, stats: Stats, measure: Measure, query: string) {
  const { t } = ctx
  const rows = rowsOf(stats, breakdown, t, ctx.locale)
  const csv = `/chronicle/stats/${breakdown}.csv${query ? `?${query}` : ''}`
  const content = rows.length
    ? html`<figure>!${chart(ctx, breakdown, rows, measure)}
<figcaption class="chart-summary">${chartSummary(ctx, breakdown, rows, measure)}</figcaption></figure>
!${table(ctx, breakdown, rows, stats)}`
    : html`<p>${t('chronicle.stats.emptyBreakdown')}</p>`
  return html`<section aria-labelledby="stats-${breakdown}">
<h2 id="stats-${breakdown}">${t(`chronicle.stats.heading.${breakdown}`)}</h2>
!${breakdown === 'article' ? html`<p class="hint">${t('chronicle.stats.articleNote')}</p>` : ''}
!${content}
<p><a href="${csv}" download>${t('chronicle.stats.csv', { what: t(`chronicle.stats.heading.${breakdown}`) })}</a></p>
</section>`
}

/** The whole statistics page. */
export function statsPage(ctx: PageContext, page: StatsPage): string {
  const { t } = ctx
  const result = page.result
  // The filter panel starts open when a filter is set or wrong; charts come first otherwise.
  const filtered =
    Object.keys(page.form.errors).length > 0 ||
    Object.entries(page.form.values).some(([name, values]) => name !== 'measure' && values.some(Boolean))
  let figures = ''
  if (result) {
    const { stats, measure, query } = result
    const json = `/api/v1/stats${query ? `?${query}` : ''}`
    figures = stats.totals.events
      ? html`<p class="notice">${t('chronicle.stats.totals', {
          events: measured(ctx, 'events', stats.totals.events),
          detained: measured(ctx, 'detained', stats.totals.detained),
        })}</p>
!${qualifiedNote(ctx, stats)}
!${section(ctx, 'month', stats, measure, query)}
!${mapSection(ctx, stats, measure, new Map(page.form.options.region.map((o) => [o.code, o.label])))}
!${section(ctx, 'region', stats, measure, query)}
!${section(ctx, 'country', stats, measure, query)}
!${section(ctx, 'type', stats, measure, query)}
!${section(ctx, 'article', stats, measure, query)}
<p><a href="${json}">${t('chronicle.stats.json')}</a></p>`
      : html`<p class="notice">${t('chronicle.stats.empty')}</p>`
  }
  const body = html`<h1>${t('chronicle.stats.title')}</h1>
<p>${t('chronicle.stats.lead')}</p>
!${errorSummary(ctx, page.form.errors, statsFormLabels(ctx))}
<div class="data-layout">
<details class="filter-panel" !${filtered ? 'open' : ''}><summary id="stats-filter">${t('chronicle.stats.form.title')}</summary>
!${statsForm(ctx, page.form)}</details>
<div class="results">!${figures}</div>
</div>`
  return layout(ctx, { title: t('chronicle.stats.title'), body })
}

// Lower bounds and estimates are summed as given, so the reader is told the total is not exact.
function qualifiedNote(ctx: PageContext, stats: Stats): string {
  const { atLeast, about } = stats.detainedQualified
  if (!atLeast && !about) return ''
  return html`<p>${ctx.t('chronicle.stats.qualified', {
    atLeast: formatNumber(atLeast, ctx.locale),
    about: formatNumber(about, ctx.locale),
  })}</p>`
}
