/**
 * The public chronicle in the data layout: the filter panel (search, facets with counts, dates) beside
 * one keyset page of events as compact cards, and links to the same data as statistics, feed, exports
 * and API, each keeping the filter.
 */
import { html } from 'ghtml'
import { errorSummary } from '../../../platform/html/forms.ts'
import { layout, type PageContext } from '../../../platform/html/layout.ts'
import { formatNumber } from '../../../platform/i18n.ts'
import { pickText } from '../../../platform/localised.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import { exportFormats } from '../present/export-formats.ts'
import { highlightHtml, type PublicEvent, type TermsById } from '../present/public.ts'
import type { Highlight } from '../queries/events.ts'
import type { Facets } from '../queries/facets.ts'
import type { MatchCount } from '../queries/search.ts'
import type { EventFilter } from '../schema/filter.ts'
import { filterForm } from './public-facets.ts'
import { badges, factsLine, feedAlternate, titleHtml } from './public-parts.ts'

/** What the list page shows. */
export type ListPageData = {
  filter: EventFilter
  errors: FieldErrors
  terms: TermsById
  facets: Facets | null
  events: PublicEvent[]
  highlights: Map<number, Highlight>
  newerHref: string | null
  olderHref: string | null
  /** When the facets give no total: an estimate of it (see queries/search.ts). */
  estimate?: MatchCount | null
}

/** The filter as query-string pairs, for links that keep it. */
export function filterParams(filter: EventFilter): URLSearchParams {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filter)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string' && item !== '') params.append(key, item)
    }
  }
  return params
}

// Where else the same events can be had: statistics, the feed, downloads, the API.
function dataLinks(ctx: PageContext, query: string): string {
  const { t } = ctx
  const q = query ? `?${query}` : ''
  const downloads = exportFormats
    .map((format) => html`<a href="/chronicle/export.${format}${q}">${format.toUpperCase()}</a>`)
    .concat(
      html`<a href="/chronicle/export.csv?${query ? `${query}&` : ''}bom=1">${t('chronicle.public.data.csvBom')}</a>`,
    )
    .join(', ')
  return html`<nav class="data-links" aria-labelledby="data-links-title"><h2 id="data-links-title">${t('chronicle.public.data.title')}</h2>
<ul><li><a href="/chronicle/stats${q}">${t('chronicle.public.data.stats')}</a></li>
<li><a href="/chronicle/feed.atom${q}" type="application/atom+xml">${t('chronicle.public.data.feed')}</a></li>
<li>${t('chronicle.public.data.download')} !${downloads}</li>
<li><a href="/api/openapi.json" type="application/json">${t('chronicle.public.data.api')}</a></li></ul></nav>`
}

// A summary this long is enough to tell events apart; the event's page has the rest.
const CARD_SUMMARY = 200

function eventCard(ctx: PageContext, event: PublicEvent, highlight: Highlight | undefined): string {
  const markedTitle = highlight?.title ? highlightHtml(highlight.title) : undefined
  const title = titleHtml(ctx, event, markedTitle)
  let summary = ''
  if (highlight?.summary) {
    summary = html`<p lang="${highlight.summaryLang ?? ctx.locale}">!${highlightHtml(highlight.summary)}</p>`
  } else {
    const picked = pickText(event.summary, ctx.locale)
    if (picked) {
      const text =
        picked.text.length > CARD_SUMMARY ? `${picked.text.slice(0, CARD_SUMMARY).trimEnd()}…` : picked.text
      summary = html`<p lang="${picked.lang}">${text}</p>`
    }
  }
  return html`<li class="card"><h3><a href="${event.url}">!${title}</a></h3>
<p class="meta">!${factsLine(ctx, event)} !${badges(ctx, event)}</p>
!${summary}</li>`
}

function results(ctx: PageContext, data: ListPageData, filtered: boolean): string {
  const { t, locale } = ctx
  const total = data.facets?.total ?? null
  const estimate = total === null ? (data.estimate ?? null) : null
  const heading =
    total !== null
      ? t('chronicle.public.list.count', { count: total, n: formatNumber(total, locale) })
      : estimate
        ? t('chronicle.search.about', { count: estimate.count, n: formatNumber(estimate.count, locale) })
        : t('chronicle.public.list.results')
  // "About" says it in words; the title says why, and data-count lets tools tell it from a count.
  const headed = estimate
    ? html`<span data-count="estimated" title="${t('chronicle.search.estimate')}">${heading}</span>`
    : html`${heading}`
  const list = data.events.length
    ? html`<ol class="cards">!${data.events.map((event) => eventCard(ctx, event, data.highlights.get(event.id))).join('')}</ol>`
    : Object.keys(data.errors).length
      ? ''
      : html`<p class="empty">${t(filtered ? 'chronicle.public.list.empty' : 'chronicle.public.list.emptyAll')}!${filtered ? html` <a href="/chronicle">${t('chronicle.public.list.reset')}</a>` : ''}</p>`
  const pager =
    data.newerHref || data.olderHref
      ? html`<nav class="pager" aria-label="${t('chronicle.public.list.pages')}">
!${data.newerHref ? html`<a rel="prev" href="${data.newerHref}">${t('chronicle.public.list.newer')}</a>` : ''}
!${data.olderHref ? html`<a rel="next" href="${data.olderHref}">${t('chronicle.public.list.older')}</a>` : ''}</nav>`
      : ''
  return html`<div class="results" aria-labelledby="results-title" role="region">
<h2 id="results-title">!${headed}!${data.filter.q ? html` — ${t('chronicle.public.list.matching', { q: data.filter.q })}` : ''}</h2>
!${list}
!${pager}</div>`
}

/** Renders the list page. */
export function publicListPage(ctx: PageContext, data: ListPageData): string {
  const { t } = ctx
  const invalid = Object.keys(data.errors).length > 0
  // A filter that didn't parse is not offered onwards: the links and the feed then take every event.
  const query = invalid ? '' : filterParams(data.filter).toString()
  const filtered = filterParams(data.filter).toString() !== ''
  const body = html`<h1>${t('chronicle.public.list.title')}</h1>
<p>${t('chronicle.public.list.lead')}</p>
!${errorSummary(ctx, data.errors, { q: t('chronicle.public.list.q'), from: t('chronicle.public.list.from'), to: t('chronicle.public.list.to'), type: t('chronicle.public.list.type'), region: t('chronicle.public.list.region'), country: t('chronicle.public.list.country'), article: t('chronicle.public.list.article'), status: t('chronicle.public.list.status'), after: t('chronicle.public.list.pages'), before: t('chronicle.public.list.pages') })}
!${dataLinks(ctx, query)}
<div class="data-layout">
<details class="filter-panel" !${filtered || invalid ? 'open' : ''}><summary>${t('chronicle.public.list.filters')}</summary>
!${filterForm(ctx, data)}</details>
!${results(ctx, data, filtered)}
</div>`
  return layout(ctx, {
    title: t('chronicle.public.list.title'),
    body,
    alternates: [feedAlternate(ctx, query)],
  })
}
