/** A case's page: kind, articles, court, stages, outcome, and the published events it arose from. */
import { html } from 'ghtml'
import { layout, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { formatNumber } from '../../../platform/i18n.ts'
import type { PublicAct, PublicCase, PublicDate, PublicEvent } from '../present/public.ts'
import { actsTable } from './public-event.ts'
import { factsLine, titleHtml } from './public-parts.ts'

/** Renders a case's page. */
export function publicCasePage(
  ctx: PageContext,
  data: {
    item: PublicCase
    stages: { stage: string; date: PublicDate }[]
    events: PublicEvent[]
    acts: PublicAct[]
  },
): string {
  const { t, locale } = ctx
  const { item } = data
  const title = t('chronicle.public.case.title', {
    kind: t(`chronicle.public.case.kind.${item.kind}`),
    id: item.id,
  })
  const articles = item.articles
    .map((article) => html`<li>${article.reference ? `${article.reference} — ` : ''}${article.label}</li>`)
    .join('')
  const outcome = item.outcome
    ? [
        t(`chronicle.public.case.outcome.${item.outcome}`),
        item.fineMinor != null
          ? t('chronicle.public.case.fine', { amount: formatNumber(item.fineMinor / 100, locale) })
          : '',
        item.termMonths != null ? t('chronicle.public.case.term', { count: item.termMonths }) : '',
      ]
        .filter(Boolean)
        .join(', ')
    : ''
  const stages = data.stages
    .map(
      (stage) =>
        html`<tr><td>${stage.date.text ?? t('chronicle.public.unknownDate')}</td><td>${stage.stage}</td></tr>`,
    )
    .join('')
  const byId = new Map(data.events.map((event) => [event.id, event]))
  const events = data.events
    .map(
      (event) =>
        html`<li><a href="${event.url}">!${titleHtml(ctx, event)}</a> <span class="hint">!${factsLine(ctx, event)}</span></li>`,
    )
    .join('')
  const body = html`<p><a href="/chronicle">${t('chronicle.public.event.back')}</a></p>
<h1>${title}</h1>
!${scrollingTable(
    'facts-caption',
    t('chronicle.public.case.facts'),
    html`<tbody>
<tr><th scope="row">${t('chronicle.public.case.status')}</th><td>${t(`chronicle.public.case.statuses.${item.status}`)}</td></tr>
!${item.court ? html`<tr><th scope="row">${t('chronicle.public.case.court')}</th><td>${item.court}</td></tr>` : ''}
!${item.country ? html`<tr><th scope="row">${t('chronicle.public.event.country')}</th><td>${item.country.label}</td></tr>` : ''}
!${item.region ? html`<tr><th scope="row">${t('chronicle.public.event.region')}</th><td>${item.region.label}</td></tr>` : ''}
!${outcome ? html`<tr><th scope="row">${t('chronicle.public.case.outcomeLabel')}</th><td>${outcome}</td></tr>` : ''}
</tbody>`,
  )}
<h2>${t('chronicle.public.case.articles')}</h2>
!${articles ? html`<ul>!${articles}</ul>` : html`<p>${t('chronicle.public.case.noArticles')}</p>`}
!${
    stages
      ? scrollingTable(
          'stages-caption',
          t('chronicle.public.case.stages'),
          html`<thead><tr><th scope="col">${t('chronicle.public.case.date')}</th><th scope="col">${t('chronicle.public.case.stage')}</th></tr></thead><tbody>!${stages}</tbody>`,
        )
      : ''
  }
<h2>${t('chronicle.public.case.events')}</h2>
<ul>!${events}</ul>
!${actsTable(ctx, data.acts, { caption: t('chronicle.public.case.actsCaption'), showEvent: byId })}`
  return layout(ctx, { title, body })
}
