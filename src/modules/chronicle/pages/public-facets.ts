/**
 * The public list's filter form: search, facets with the count each would give, dates. Every facet is
 * ordered by its count, the most first, then by its label in the reader's alphabet (never by code),
 * and long groups fold into a <details> that opens when one of its boxes is ticked, so a phone reaches
 * the results without scrolling through a column of checkboxes.
 */
import { html } from 'ghtml'
import { fieldError, fieldHint } from '../../../platform/html/forms.ts'
import type { PageContext } from '../../../platform/html/layout.ts'
import { formatNumber } from '../../../platform/i18n.ts'
import { firstCountries, regionCountry } from '../../../platform/regions/countries.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import { type Term, termLabel } from '../../../platform/vocabularies/terms.ts'
import type { TermsById } from '../present/public.ts'
import { ARTICLE_FACET_SCOPE, type Facets, facetScope } from '../queries/facets.ts'
import type { EventFilter } from '../schema/filter.ts'

/** What the filter form needs from the list page. */
export type FacetData = { filter: EventFilter; errors: FieldErrors; terms: TermsById; facets: Facets | null }

// One per locale: Intl.Collator is costly to build and each page sorts a hundred labels.
const collators = new Map<string, Intl.Collator>()
const collator = (locale: string) => {
  let found = collators.get(locale)
  if (!found) {
    found = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' })
    collators.set(locale, found)
  }
  return found
}

/** One option of a facet: its code, label in the reader's language, and count (null: not counted). */
export type FacetOption = { value: string; label: string; count: number | null }

/** `options` by count, the most first, then by label as the reader's language sorts it. */
export function sortFacet<T extends FacetOption>(options: T[], locale: string): T[] {
  const compare = collator(locale).compare
  return [...options].sort((a, b) => (b.count ?? 0) - (a.count ?? 0) || compare(a.label, b.label))
}

const approved = (terms: TermsById, vocabulary: Term['vocabulary']) =>
  [...terms.values()].filter((term) => term.vocabulary === vocabulary && term.status === 'approved')

// A checkbox of a facet, inline with its label and the count of events it would give.
function checkbox(ctx: PageContext, name: string, option: FacetOption, selected: readonly string[]): string {
  const id = `field-${name}-${option.value}`
  const checked = selected.includes(option.value)
  const counted =
    option.count === null
      ? ''
      : html` <span class="hint">(<span class="visually-hidden">${ctx.t('chronicle.public.list.countLabel')} </span>${formatNumber(option.count, ctx.locale)})</span>`
  return html`<div class="checkbox"><input type="checkbox" id="${id}" name="${name}" value="${option.value}" !${checked ? 'checked' : ''}> <label for="${id}">${option.label}!${counted}</label></div>`
}

// A group of checkboxes; a long one folds into a <details>, open when one of its boxes is ticked.
function facetGroup(
  ctx: PageContext,
  name: 'type' | 'region' | 'country' | 'status',
  options: FacetOption[],
  selected: readonly string[],
  empty?: string,
): string {
  const legend = ctx.t(`chronicle.public.list.${name}`)
  const boxes =
    sortFacet(options, ctx.locale)
      .map((option) => checkbox(ctx, name, option, selected))
      .join('') || (empty ? html`<p>${empty}</p>` : '')
  // The statuses are two: folding them would hide as much as it shows.
  if (name === 'status') return html`<fieldset class="checks"><legend>${legend}</legend>!${boxes}</fieldset>`
  return html`<details class="facet" !${selected.length ? 'open' : ''}><summary>${legend}!${selected.length ? html` <span class="hint">(${formatNumber(selected.length, ctx.locale)})</span>` : ''}</summary>
<fieldset class="checks"><legend class="visually-hidden">${legend}</legend>!${boxes}</fieldset></details>`
}

function textInput(
  ctx: PageContext,
  errors: FieldErrors,
  name: string,
  value: string | undefined,
  hint: string,
): string {
  const error = errors[name]
  const id = `field-${name}`
  return html`<div class="field"><label for="${id}">${ctx.t(`chronicle.public.list.${name}`)}</label>
!${fieldHint(name, hint)}
!${fieldError(ctx, errors, name)}
<input id="${id}" name="${name}" type="${name === 'q' ? 'search' : 'text'}" value="${value ?? ''}" maxlength="${name === 'q' ? 200 : 10}"
 aria-invalid="${error ? 'true' : 'false'}" aria-describedby="${id}-hint${error ? ` ${id}-error` : ''}"></div>`
}

function articleSelect(ctx: PageContext, data: FacetData): string {
  const { t, locale } = ctx
  // Article counts come only for a small enough set (see queries/facets.ts); a select holds no markup.
  const counts = data.facets?.articles ?? null
  const options = approved(data.terms, 'article').map((term) => {
    const reference = term.extra.code && term.extra.number ? `${term.extra.code} ${term.extra.number} — ` : ''
    return {
      value: term.code,
      label: `${reference}${termLabel(term, locale)}`,
      count: counts ? (counts.get(term.id) ?? 0) : null,
    }
  })
  const chosen = data.filter.article ?? []
  const items = sortFacet(options, locale)
    .map(
      (option) =>
        html`<option value="${option.value}" !${chosen.includes(option.value) ? 'selected' : ''}>${option.label}${option.count === null ? '' : ` (${formatNumber(option.count, locale)})`}</option>`,
    )
    .join('')
  const hint =
    data.facets && !counts
      ? html`<span class="hint" id="field-article-hint">${t('chronicle.public.list.articleCountsHint', { n: formatNumber(ARTICLE_FACET_SCOPE, locale) })}</span>\n`
      : ''
  return html`<div class="field"><label for="field-article">${t('chronicle.public.list.article')}</label>
!${hint}<select id="field-article" name="article"!${hint ? ' aria-describedby="field-article-hint"' : ''}><option value="">${t('chronicle.public.list.anyArticle')}</option>!${items}</select></div>`
}

/** The filter form (GET /chronicle), each facet with its counts when they were computed. */
export function filterForm(ctx: PageContext, data: FacetData): string {
  const { t, locale } = ctx
  const { filter, facets, terms, errors } = data
  const termOptions = (
    vocabulary: 'event_type' | 'region' | 'country',
    counts: Map<number, number> | undefined,
    only: (term: Term) => boolean = () => true,
  ) =>
    approved(terms, vocabulary)
      .filter(only)
      .map((term) => ({
        value: term.code,
        label: termLabel(term, locale),
        count: facets ? (counts?.get(term.id) ?? 0) : null,
      }))
  // Countries: those with events under this filter (without counts, the four most of the chronicle's
  // events happen in), then any chosen ones without.
  const chosenCountries = (filter.country ?? []).map((code) => code.toUpperCase())
  const countries = termOptions('country', facets?.countries).filter((option) =>
    facets
      ? (option.count ?? 0) > 0 || chosenCountries.includes(option.value)
      : (firstCountries as readonly string[]).includes(option.value) ||
        chosenCountries.includes(option.value),
  )
  // Regions: of the chosen countries (Russia's when none is chosen), those with events under this
  // filter, then any chosen ones without.
  const chosenRegions = filter.region ?? []
  const regionCountries = chosenCountries.length ? chosenCountries : ['RU']
  const regions = termOptions('region', facets?.regions, (term) =>
    regionCountries.includes(regionCountry(term) ?? ''),
  ).filter((option) => !facets || (option.count ?? 0) > 0 || chosenRegions.includes(option.value))
  const statuses = (['verified', 'disputed'] as const).map((status) => ({
    value: status,
    label: t(`chronicle.public.status.${status}`),
    count: facets ? (facets.statuses.get(status) ?? 0) : null,
  }))
  const dateHint = t('chronicle.public.list.dateHint')
  // Counts were left out: too many events to count quickly for this search or range of days.
  const countsHint =
    !facets && !Object.keys(errors).length
      ? html`<p class="hint">${t(filter.q ? 'chronicle.public.list.countsHintSearch' : 'chronicle.public.list.countsHint', { n: formatNumber(facetScope(filter), locale) })}</p>`
      : ''
  return html`<form class="stack" method="get" action="/chronicle" role="search" aria-label="${t('chronicle.public.list.filters')}">
!${textInput(ctx, errors, 'q', filter.q, t('chronicle.public.list.searchHint'))}
!${countsHint}
!${facetGroup(ctx, 'type', termOptions('event_type', facets?.types), filter.type ?? [])}
!${facetGroup(ctx, 'country', countries, chosenCountries, t('chronicle.public.list.noCountries'))}
!${facetGroup(ctx, 'region', regions, chosenRegions, t('chronicle.public.list.noRegions'))}
!${articleSelect(ctx, data)}
!${facetGroup(ctx, 'status', statuses, filter.status ?? [])}
!${textInput(ctx, errors, 'from', filter.from, dateHint)}
!${textInput(ctx, errors, 'to', filter.to, dateHint)}
<p class="actions"><button type="submit">${t('chronicle.public.list.apply')}</button> <a href="/chronicle">${t('chronicle.public.list.reset')}</a></p>
</form>`
}
