/** Pieces the public chronicle pages share: an event's date, its one-line facts, tags, the feed's link. */
import { html } from 'ghtml'
import type { PageContext } from '../../../platform/html/layout.ts'
import { pickText } from '../../../platform/localised.ts'
import { countInWords } from '../present/count-words.ts'
import { placeLine } from '../present/place.ts'
import type { PublicDate, PublicEvent } from '../present/public.ts'

/** A date range in words, "6 May 2012 – 7 May 2012", or "date unknown". */
export function publicDateText(ctx: PageContext, start: PublicDate, end: PublicDate): string {
  if (!start.text) return ctx.t('chronicle.public.unknownDate')
  return end.text && end.text !== start.text ? `${start.text} – ${end.text}` : start.text
}

/** A date range as HTML, with a machine-readable <time> where the date is exact enough. */
export function dateHtml(ctx: PageContext, start: PublicDate, end: PublicDate): string {
  const text = publicDateText(ctx, start, end)
  if (!start.date || !start.text) return html`${text}`
  const machine =
    start.precision === 'day'
      ? start.date
      : start.precision === 'month'
        ? start.date.slice(0, 7)
        : start.date.slice(0, 4)
  return html`<time datetime="${machine}">${text}</time>`
}

/** An event's title in the reader's language (or another it has), with its lang attribute. */
export function titleHtml(ctx: PageContext, event: PublicEvent, marked?: string): string {
  const picked = pickText(event.title, ctx.locale)
  if (!picked) return html`${ctx.t('chronicle.public.untitled', { id: event.id })}`
  const inner = marked ?? html`${picked.text}`
  return picked.lang === ctx.locale ? inner : html`<span lang="${picked.lang}">!${inner}</span>`
}

/** The status and blur tags of an event. */
export function badges(ctx: PageContext, event: PublicEvent): string {
  const { t } = ctx
  const tone = event.status === 'verified' ? 'ok' : 'warn'
  return [
    html`<span class="tag ${tone}">${t(`chronicle.public.status.${event.status}`)}</span>`,
    event.blurred ? html`<span class="tag info">${t('chronicle.public.blurred')}</span>` : '',
  ].join(' ')
}

/** The one-line facts of an event: when, where, what, how many. */
export function factsLine(ctx: PageContext, event: PublicEvent): string {
  const { t, locale } = ctx
  // The country is named when it is not Russia, where most events are: "Берлин, Германия".
  const country = event.country && event.country.code !== 'RU' ? event.country.label : null
  const place = placeLine([event.region?.label, event.locality, country])
  const parts = [
    dateHtml(ctx, event.start, event.end),
    place ? html`${place}` : '',
    event.type ? html`${event.type.label}` : '',
    event.detained != null
      ? html`${t('chronicle.public.detained', { count: event.detained, n: countInWords(t, locale, event.detained, event.detainedQualifier) })}`
      : '',
  ].filter(Boolean)
  return parts.join(' · ')
}

/** The Atom feed of the events the filter `query` selects (all of them when empty), for <link rel="alternate">. */
export function feedAlternate(ctx: PageContext, query: string) {
  return {
    href: `/chronicle/feed.atom${query ? `?${query}` : ''}`,
    type: 'application/atom+xml',
    title: ctx.t(query ? 'chronicle.public.data.feedFiltered' : 'chronicle.public.data.feedAll'),
  }
}
