/** The public chronicle: a GET filter form with facet counts, search, and one keyset page of events. */
import { html } from 'ghtml'
import { errorSummary, fieldError, fieldHint } from '../../../platform/html/forms.ts'
import { layout, type PageContext } from '../../../platform/html/layout.ts'
import { formatNumber } from '../../../platform/i18n.ts'
import { pickText } from '../../../platform/localised.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import { type Term, termLabel } from '../../../platform/vocabularies/terms.ts'
import { highlightHtml, type PublicEvent, type TermsById } from '../present/public.ts'
import type { Highlight } from '../queries/events.ts'
import { ARTICLE_FACET_SCOPE, FACET_SCAN_SCOPE, type Facets } from '../queries/facets.ts'
import type { EventFilter } from '../schema/filter.ts'
import { badges, factsLine, titleHtml } from './public-parts.ts'

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

const approved = (terms: TermsById, vocabulary: Term['vocabulary']) =>
  [...terms.values()].filter((term) => term.vocabulary === vocabulary && term.status === 'approved')

const label = (ctx: PageContext, term: Term): string => termLabel(term, ctx.locale)

// A checkbox of a facet, with the count of events it would give (null: not counted).
function checkbox(
  ctx: PageContext,
  name: string,
  option: { value: string; label: string },
  selected: string[],
  count: number | null,
): string {
  const id = `field-${name}-${option.value}`
  const checked = selected.includes(option.value)
  const counted =
    count === null
      ? ''
      : html` <span class="hint">(<span class="visually-hidden">${ctx.t('chronicle.public.list.countLabel')} </span>${formatNumber(count, ctx.locale)})</span>`
  return html`<div><input type="checkbox" id="${id}" name="${name}" value="${option.value}" !${checked ? 'checked' : ''}>
<label for="${id}">${option.label}!${counted}</label></div>`
}

const termOption = (ctx: PageContext, term: Term) => ({ value: term.code, label: label(ctx, term) })

function textInput(
  ctx: PageContext,
  errors: FieldErrors,
  name: string,
  value: string | undefined,
  hint: string,
): string {
  const error = errors[name]
  const id = `field-${name}`
  return html`<div><label for="${id}">${ctx.t(`chronicle.public.list.${name}`)}</label>
!${fieldHint(name, hint)}
!${fieldError(ctx, errors, name)}
<input id="${id}" name="${name}" type="${name === 'q' ? 'search' : 'text'}" value="${value ?? ''}" maxlength="${name === 'q' ? 200 : 10}"
 aria-invalid="${error ? 'true' : 'false'}" aria-describedby="${id}-hint${error ? ` ${id}-error` : ''}"></div>`
}

function filterForm(ctx: PageContext, data: ListPageData): string {
  const { t } = ctx
  const { filter, facets, terms, errors } = data
  const types = approved(terms, 'event_type')
    .map((term) =>
      checkbox(
        ctx,
        'type',
        termOption(ctx, term),
        filter.type ?? [],
        facets ? (facets.types.get(term.id) ?? 0) : null,
      ),
    )
    .join('')
  // Regions: those with events under this filter, the most first, then any chosen ones without.
  const chosenRegions = filter.region ?? []
  const regions = approved(terms, 'region')
    .filter((term) => !facets || facets.regions.has(term.id) || chosenRegions.includes(term.code))
    .sort(
      (a, b) =>
        (facets ? (facets.regions.get(b.id) ?? 0) - (facets.regions.get(a.id) ?? 0) : 0) ||
        label(ctx, a).localeCompare(label(ctx, b), ctx.locale),
    )
    .map((term) =>
      checkbox(
        ctx,
        'region',
        termOption(ctx, term),
        chosenRegions,
        facets ? (facets.regions.get(term.id) ?? 0) : null,
      ),
    )
    .join('')
  // Article counts come only for a small enough set (see queries/facets.ts); a select holds no markup.
  const articleCounts = facets?.articles ?? null
  const articles = approved(terms, 'article')
    .map((term) => {
      const reference =
        term.extra.code && term.extra.number ? `${term.extra.code} ${term.extra.number} — ` : ''
      const selected = (filter.article ?? []).includes(term.code)
      const count = articleCounts ? ` (${formatNumber(articleCounts.get(term.id) ?? 0, ctx.locale)})` : ''
      return html`<option value="${term.code}" !${selected ? 'selected' : ''}>${reference}${label(ctx, term)}${count}</option>`
    })
    .join('')
  const articleHint =
    facets && !articleCounts
      ? html`<span class="hint" id="field-article-hint">${t('chronicle.public.list.articleCountsHint', { n: formatNumber(ARTICLE_FACET_SCOPE, ctx.locale) })}</span>\n`
      : ''
  const statuses = (['verified', 'disputed'] as const)
    .map((status) =>
      checkbox(
        ctx,
        'status',
        { value: status, label: t(`chronicle.public.status.${status}`) },
        filter.status ?? [],
        facets ? (facets.statuses.get(status) ?? 0) : null,
      ),
    )
    .join('')
  const dateHint = t('chronicle.public.list.dateHint')
  // Counts were left out: too many events to count quickly for this search or range of days.
  const countsHint =
    !facets && !Object.keys(errors).length
      ? html`<p class="hint">${t('chronicle.public.list.countsHint', { n: formatNumber(FACET_SCAN_SCOPE, ctx.locale) })}</p>`
      : ''
  return html`<form class="stack" method="get" action="/chronicle" role="search" aria-label="${t('chronicle.public.list.filters')}">
!${textInput(ctx, errors, 'q', filter.q, t('chronicle.public.list.searchHint'))}
!${countsHint}
<fieldset class="checks"><legend>${t('chronicle.public.list.type')}</legend>!${types}</fieldset>
<details !${chosenRegions.length ? 'open' : ''}><summary>${t('chronicle.public.list.region')}</summary>
<fieldset class="checks"><legend class="visually-hidden">${t('chronicle.public.list.region')}</legend>!${regions || html`<p>${t('chronicle.public.list.noRegions')}</p>`}</fieldset></details>
<div><label for="field-article">${t('chronicle.public.list.article')}</label>
!${articleHint}<select id="field-article" name="article"!${articleHint ? ' aria-describedby="field-article-hint"' : ''}><option value="">${t('chronicle.public.list.anyArticle')}</option>!${articles}</select></div>
<fieldset class="checks"><legend>${t('chronicle.public.list.status')}</legend>!${statuses}</fieldset>
!${textInput(ctx, errors, 'from', filter.from, dateHint)}
!${textInput(ctx, errors, 'to', filter.to, dateHint)}
<p><button type="submit">${t('chronicle.public.list.apply')}</button> <a href="/chronicle">${t('chronicle.public.list.reset')}</a></p>
</form>`
}

function eventItem(ctx: PageContext, event: PublicEvent, highlight: Highlight | undefined): string {
  const markedTitle = highlight?.title ? highlightHtml(highlight.title) : undefined
  const title = titleHtml(ctx, event, markedTitle)
  let summary = ''
  if (highlight?.summary) {
    summary = html`<p lang="${highlight.summaryLang ?? ctx.locale}">!${highlightHtml(highlight.summary)}</p>`
  } else {
    const picked = pickText(event.summary, ctx.locale)
    if (picked) {
      const text = picked.text.length > 300 ? `${picked.text.slice(0, 300).trimEnd()}…` : picked.text
      summary = html`<p lang="${picked.lang}">${text}</p>`
    }
  }
  return html`<li><article>
<h3><a href="${event.url}">!${title}</a></h3>
<p class="hint">!${factsLine(ctx, event)} !${badges(ctx, event)}</p>
!${summary}
</article></li>`
}

/** Renders the list page. */
export function publicListPage(ctx: PageContext, data: ListPageData): string {
  const { t, locale } = ctx
  const filtered = filterParams(data.filter).toString() !== ''
  const total = data.facets?.total ?? null
  const heading =
    total === null
      ? t('chronicle.public.list.results')
      : t('chronicle.public.list.count', { count: total, n: formatNumber(total, locale) })
  const results = data.events.length
    ? html`<ol class="events">!${data.events.map((event) => eventItem(ctx, event, data.highlights.get(event.id))).join('')}</ol>`
    : Object.keys(data.errors).length
      ? ''
      : html`<p>${t(filtered ? 'chronicle.public.list.empty' : 'chronicle.public.list.emptyAll')}</p>
!${filtered ? html`<p><a href="/chronicle">${t('chronicle.public.list.reset')}</a></p>` : ''}`
  const pager =
    data.newerHref || data.olderHref
      ? html`<nav class="pager" aria-label="${t('chronicle.public.list.pages')}">
!${data.newerHref ? html`<a rel="prev" href="${data.newerHref}">${t('chronicle.public.list.newer')}</a>` : ''}
!${data.olderHref ? html`<a rel="next" href="${data.olderHref}">${t('chronicle.public.list.older')}</a>` : ''}</nav>`
      : ''
  const body = html`<h1>${t('chronicle.public.list.title')}</h1>
<p>${t('chronicle.public.list.lead')}</p>
!${errorSummary(ctx, data.errors, { q: t('chronicle.public.list.q'), from: t('chronicle.public.list.from'), to: t('chronicle.public.list.to'), type: t('chronicle.public.list.type'), region: t('chronicle.public.list.region'), article: t('chronicle.public.list.article'), status: t('chronicle.public.list.status'), after: t('chronicle.public.list.pages'), before: t('chronicle.public.list.pages') })}
<section aria-labelledby="filters-title"><h2 id="filters-title">${t('chronicle.public.list.filters')}</h2>
!${filterForm(ctx, data)}</section>
<section aria-labelledby="results-title"><h2 id="results-title">${heading}!${data.filter.q ? html` — ${t('chronicle.public.list.matching', { q: data.filter.q })}` : ''}</h2>
!${results}
!${pager}</section>`
  return layout(ctx, { title: t('chronicle.public.list.title'), body })
}
