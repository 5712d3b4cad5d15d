/** The map's part of the statistics page: the choropleth, its legend, and the regions it can't draw. */
import { html } from 'ghtml'
import type { PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { formatNumber } from '../../../platform/i18n.ts'
import { hasShape, shapeName } from '../../../platform/regions/regions-map.ts'
import { rowsOf } from '../present/stats.ts'
import type { Stats } from '../queries/stats.ts'
import { choropleth, classify, EMPTY_FILL, swatch } from './stats-choropleth.ts'
import { topSummary } from './stats-summary.ts'

type Measure = 'events' | 'detained'

function count(ctx: PageContext, measure: Measure, value: number): string {
  return ctx.t(`chronicle.stats.count.${measure}`, { count: value, n: formatNumber(value, ctx.locale) })
}

/**
 * Beside the map of Russia's regions: every other country with its figures, the most first, so an
 * action in Berlin or a detention in Minsk is counted somewhere a reader sees it. Occupied territories
 * are regions of the country they belong to, listed with the regions the map doesn't draw.
 */
function abroadTable(ctx: PageContext, stats: Stats): string {
  const { t, locale } = ctx
  const rows = rowsOf(stats, 'country', t, locale).filter((row) => row.key !== null && row.key !== 'RU')
  const body = rows.length
    ? scrollingTable(
        'stats-abroad-caption',
        t('chronicle.stats.abroad.caption'),
        html`<thead><tr><th scope="col">${t('chronicle.stats.column.country')}</th><th scope="col" class="num">${t('chronicle.stats.column.events')}</th><th scope="col" class="num">${t('chronicle.stats.column.detained')}</th></tr></thead>
<tbody>!${rows.map((row) => html`<tr><th scope="row">${row.name}</th><td class="num">${formatNumber(row.events, locale)}</td><td class="num">${formatNumber(row.detained, locale)}</td></tr>`).join('')}</tbody>`,
      )
    : html`<p>${t('chronicle.stats.abroad.none')}</p>`
  return html`<h3>${t('chronicle.stats.abroad.title')}</h3>
!${body}`
}

/** The map section; `names` gives every region's name in the reader's language, by code. */
export function mapSection(
  ctx: PageContext,
  stats: Stats,
  measure: Measure,
  names: Map<string, string>,
): string {
  const { t, locale } = ctx
  const rows = rowsOf(stats, 'region', t, locale)
  const drawn = rows.filter((row) => hasShape(row.key) && row[measure] > 0)
  const classes = classify(drawn.map((row) => row[measure]))
  const nameOf = (code: string) => names.get(code) ?? shapeName(code) ?? code
  const top = [...drawn]
    .sort((a, b) => b[measure] - a[measure])
    .slice(0, 3)
    .map((row) => `${row.name} (${formatNumber(row[measure], locale)})`)
  const label = t('chronicle.stats.map.label', {
    measure: t(`chronicle.stats.measure.${measure}`),
    top: top.length ? top.join(', ') : t('chronicle.stats.map.nothing'),
  })
  const map = choropleth({
    label,
    classes,
    regions: drawn.map((row) => ({
      code: row.key!,
      value: row[measure],
      tooltip: `${row.name}: ${count(ctx, measure, row[measure])}`,
    })),
    noData: (code) => `${nameOf(code)}: ${count(ctx, measure, 0)}`,
  })
  const legend = [
    html`<li>!${swatch(EMPTY_FILL)} ${formatNumber(0, locale)}</li>`,
    ...classes.map(
      (c) =>
        html`<li>!${swatch(c.fill)} ${c.from === c.to ? formatNumber(c.from, locale) : `${formatNumber(c.from, locale)}–${formatNumber(c.to, locale)}`}</li>`,
    ),
  ]
  const unmapped = rows.filter((row) => !hasShape(row.key))
  const unmappedTable = unmapped.length
    ? html`<details class="disclosure"><summary>${t('chronicle.stats.showTable', { what: t('chronicle.stats.map.unmappedCaption') })}</summary>
!${scrollingTable(
        'stats-unmapped-caption',
        t('chronicle.stats.map.unmappedCaption'),
        html`<thead><tr><th scope="col">${t('chronicle.stats.column.region')}</th><th scope="col" class="num">${t('chronicle.stats.column.events')}</th><th scope="col" class="num">${t('chronicle.stats.column.detained')}</th></tr></thead>
<tbody>!${unmapped.map((row) => html`<tr><th scope="row">${row.name}</th><td class="num">${formatNumber(row.events, locale)}</td><td class="num">${formatNumber(row.detained, locale)}</td></tr>`).join('')}</tbody>`,
      )}</details>`
    : html`<p>${t('chronicle.stats.map.allMapped')}</p>`
  return html`<section aria-labelledby="stats-map">
<h2 id="stats-map">${t('chronicle.stats.heading.map')}</h2>
<figure>!${map}
<figcaption><p class="chart-summary">${topSummary(ctx, drawn, measure)}</p>
${t('chronicle.stats.map.caption', { measure: t(`chronicle.stats.measure.${measure}`) })}
<ul class="map-legend" aria-label="${t('chronicle.stats.map.legend')}">!${legend.join('')}</ul>
<span class="hint">${t('chronicle.stats.map.credit')}</span></figcaption>
</figure>
!${abroadTable(ctx, stats)}
<h3>${t('chronicle.stats.map.unmappedTitle')}</h3>
<p class="hint">${t('chronicle.stats.map.unmappedNote')}</p>
!${unmappedTable}
</section>`
}
