/** An event's permalink page: its facts, what was done to whom (as visibility allows), cases, sources. */
import { html } from 'ghtml'
import { layout, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { formatDateTime } from '../../../platform/i18n.ts'
import { pickText } from '../../../platform/localised.ts'
import { countInWords } from '../present/count-words.ts'
import { placeLine } from '../present/place.ts'
import type { PublicAct, PublicCase, PublicEvent, PublicSource } from '../present/public.ts'
import type { ArticleParts } from '../queries/permalinks.ts'
import type { CountQualifier } from '../schema/event-fields.ts'
import { badges, dateHtml, feedAlternate, titleHtml } from './public-parts.ts'

/** Paragraphs of a text, each escaped. */
export function paragraphs(text: string, lang?: string): string {
  return text
    .split(/\n\s*\n/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => (lang ? html`<p lang="${lang}">${part}</p>` : html`<p>${part}</p>`))
    .join('')
}

function row(label: string, value: string): string {
  return value ? html`<tr><th scope="row">${label}</th><td>!${value}</td></tr>` : ''
}

/** A case as a line: its kind, articles (with the part and paragraph cited, if known) and a link. */
export function caseLine(ctx: PageContext, item: PublicCase, parts: ArticleParts = new Map()): string {
  const articles = item.articles
    .map((article) => {
      const cited = parts.get(`${item.id}:${article.code}`)
      const reference = [
        article.reference,
        cited?.part ? ctx.t('chronicle.public.case.part', { part: cited.part }) : '',
        cited?.paragraph ? ctx.t('chronicle.public.case.paragraph', { paragraph: cited.paragraph }) : '',
      ]
        .filter(Boolean)
        .join(', ')
      return html`${reference ? `${reference} — ` : ''}${article.label}`
    })
    .join('; ')
  return html`<a href="${item.url}">${ctx.t(`chronicle.public.case.kind.${item.kind}`)} #${item.id}</a>!${articles ? html` (${articles})` : ''}`
}

/** The table of acts: what was done, to whom, in which case (one a page: its caption's id is fixed). */
export function actsTable(
  ctx: PageContext,
  acts: PublicAct[],
  options: { caption: string; showEvent?: Map<number, PublicEvent> },
): string {
  const { t } = ctx
  if (!acts.length) return ''
  const rows = acts
    .map((act) => {
      const person = act.person
        ? html`<a href="${act.person.url}">${act.person.label}</a>`
        : html`${t('chronicle.public.event.noPerson')}`
      const event = options.showEvent?.get(act.eventId)
      return html`<tr>
!${options.showEvent ? html`<td>!${event ? html`<a href="${event.url}">!${titleHtml(ctx, event)}</a>` : ''}</td>` : ''}
<td>${act.type?.label ?? ''}</td><td>!${person}</td>
<td>!${act.caseId ? html`<a href="/chronicle/cases/${act.caseId}">#${act.caseId}</a>` : ''}</td></tr>`
    })
    .join('')
  return scrollingTable(
    'acts-caption',
    options.caption,
    html`<thead><tr>!${options.showEvent ? html`<th scope="col">${t('chronicle.public.event.event')}</th>` : ''}<th scope="col">${t('chronicle.public.event.act')}</th><th scope="col">${t('chronicle.public.event.person')}</th><th scope="col">${t('chronicle.public.event.case')}</th></tr></thead>
<tbody>!${rows}</tbody>`,
  )
}

function sourceItem(ctx: PageContext, source: PublicSource): string {
  const { t } = ctx
  const what = source.url
    ? html`<a href="${source.url}" rel="noopener noreferrer nofollow">${source.description ?? source.url}</a>`
    : html`${source.description ?? ''}`
  const meta = [
    source.publisher ?? '',
    source.publishedOn.text ?? '',
    t(`chronicle.public.source.reliability.${source.reliability}`),
  ].filter(Boolean)
  return html`<li>!${what} <span class="hint">(${meta.join(', ')})</span></li>`
}

/** Renders an event's page. */
export function publicEventPage(
  ctx: PageContext,
  data: {
    event: PublicEvent
    sources: PublicSource[]
    acts: PublicAct[]
    cases: PublicCase[]
    /** The part and paragraph each case cites of its articles. */
    parts?: ArticleParts
  },
): string {
  const { t, locale } = ctx
  const { event } = data
  const yesNo = (value: boolean | null) =>
    value == null ? '' : html`${t(value ? 'chronicle.public.yes' : 'chronicle.public.no')}`
  const number = (value: number | null, qualifier: CountQualifier | null) =>
    value == null ? '' : html`${countInWords(t, locale, value, qualifier)}`
  const place = event.coordinates
    ? html`${event.coordinates.latitude.toFixed(5)}, ${event.coordinates.longitude.toFixed(5)}`
    : ''
  // A locality that is its region's own name (Moscow in Moscow) is said once, as the region.
  const locality =
    placeLine([event.region?.label, event.locality]) === (event.region?.label ?? '') ? null : event.locality
  const summary = pickText(event.summary, locale)
  const title = pickText(event.title, locale)?.text ?? t('chronicle.public.untitled', { id: event.id })
  // An act with a case and no person is a charge brought in the event (an import's article column):
  // the case line below says it, and a row per article "against a person not named" would invent
  // people, a thousand of them for a large protest's case.
  const people = data.acts.filter((act) => act.person || act.caseId === null)
  const otherLanguages = (['ru', 'uk', 'en'] as const).filter(
    (lang) => lang !== summary?.lang && (event.summary[lang] || event.title[lang]),
  )
  const translations = otherLanguages.length
    ? html`<details><summary>${t('chronicle.public.event.otherLanguages')}</summary>!${otherLanguages
        .map(
          (lang) =>
            html`<section lang="${lang}"><h3>${event.title[lang] ?? ''}</h3>!${paragraphs(event.summary[lang] ?? '')}</section>`,
        )
        .join('')}</details>`
    : ''
  const body = html`<p><a href="/chronicle">${t('chronicle.public.event.back')}</a></p>
<h1>!${titleHtml(ctx, event)}</h1>
<p>!${badges(ctx, event)}</p>
!${summary ? paragraphs(summary.text, summary.lang === locale ? undefined : summary.lang) : ''}
!${event.blurred ? html`<p class="notice">${t('chronicle.public.event.blurredNote')}</p>` : ''}
!${scrollingTable(
    'facts-caption',
    t('chronicle.public.event.facts'),
    html`<tbody>
!${row(t('chronicle.public.event.when'), dateHtml(ctx, event.start, event.end))}
!${row(t('chronicle.public.event.type'), event.type ? html`${event.type.label}` : '')}
!${row(t('chronicle.public.event.country'), event.country ? html`${event.country.label}` : '')}
!${row(t('chronicle.public.event.region'), event.region ? html`${event.region.label}` : '')}
!${row(t('chronicle.public.event.locality'), locality ? html`${locality}` : '')}
!${row(t('chronicle.public.event.coordinates'), place)}
!${row(t('chronicle.public.event.participants'), number(event.participants, event.participantsQualifier))}
!${row(t('chronicle.public.event.detained'), number(event.detained, event.detainedQualifier))}
!${row(t('chronicle.public.event.authorised'), yesNo(event.authorised))}
!${row(t('chronicle.public.event.subject'), event.subject ? html`${event.subject}` : '')}
!${row(t('chronicle.public.event.organisers'), event.organisers ? html`${event.organisers}` : '')}
!${row(t('chronicle.public.event.status'), html`${t(`chronicle.public.status.${event.status}`)}`)}
!${row(t('chronicle.public.event.published'), event.publishedAt ? html`${formatDateTime(new Date(event.publishedAt), locale)}` : '')}
</tbody>`,
  )}
!${translations}
!${people.length ? html`<h2>${t('chronicle.public.event.people')}</h2>!${actsTable(ctx, people, { caption: t('chronicle.public.event.actsCaption') })}` : ''}
!${data.cases.length ? html`<h2>${t('chronicle.public.event.cases')}</h2><ul>!${data.cases.map((item) => html`<li>!${caseLine(ctx, item, data.parts)}</li>`).join('')}</ul>` : ''}
<h2>${t('chronicle.public.event.sources')}</h2>
!${data.sources.length ? html`<ul>!${data.sources.map((source) => sourceItem(ctx, source)).join('')}</ul>` : html`<p>${t('chronicle.public.event.noSources')}</p>`}`
  // The chronicle's feed: a reader of one event may follow the next ones.
  return layout(ctx, { title, body, alternates: [feedAlternate(ctx, '')] })
}
