/** A person's page, as their visibility allows: a name with its source, or a description only. */
import { html } from 'ghtml'
import { layout, type PageContext } from '../../../platform/html/layout.ts'
import type { PresentedPerson, PublicAct, PublicEvent } from '../present/public.ts'
import { actsTable } from './public-event.ts'
import { factsLine, titleHtml } from './public-parts.ts'

/** Renders a person's page with the published events they appear in. */
export function publicPersonPage(
  ctx: PageContext,
  data: { person: PresentedPerson; events: PublicEvent[]; acts: PublicAct[] },
): string {
  const { t } = ctx
  const { person } = data
  const byId = new Map(data.events.map((event) => [event.id, event]))
  const events = data.events
    .map(
      (event) =>
        html`<li><a href="${event.url}">!${titleHtml(ctx, event)}</a> <span class="hint">!${factsLine(ctx, event)}</span></li>`,
    )
    .join('')
  const body = html`<p><a href="/chronicle">${t('chronicle.public.event.back')}</a></p>
<h1>${person.label}</h1>
<p>${t(person.shown === 'named' ? 'chronicle.public.person.namedNote' : 'chronicle.public.person.anonymousNote')}</p>
!${person.shown === 'named' ? html`<p class="hint">${t('chronicle.public.person.source')}: ${person.source}</p>` : ''}
<h2>${t('chronicle.public.person.events')}</h2>
<ul>!${events}</ul>
!${actsTable(ctx, data.acts, { caption: t('chronicle.public.person.actsCaption'), showEvent: byId })}`
  return layout(ctx, { title: person.label, body })
}
