/** The confirmation asked before an event leaves public view. */
import { html } from 'ghtml'
import { csrfField, layout, type PageContext } from '../../../platform/html/layout.ts'
import type { StaffEvent } from '../queries/event-record.ts'
import { eventTitle } from './staff-event.ts'

/** Asks before unpublishing: links, feeds and statistics that counted the event will no longer show it. */
export function confirmUnpublishPage(ctx: PageContext, event: StaffEvent): string {
  const { t } = ctx
  const title = t('chronicle.staff.unpublishTitle', { title: eventTitle(ctx, event) })
  const body = html`<h1>${title}</h1>
<p>${t('chronicle.staff.unpublishWarning')}</p>
<form method="post" action="/staff/chronicle/events/${event.id}/unpublish">!${csrfField(ctx)}<button class="danger" type="submit">${t('chronicle.staff.unpublishConfirm')}</button></form>
<p><a href="/staff/chronicle/events/${event.id}">${t('chronicle.staff.cancel')}</a></p>`
  return layout(ctx, { title, body, narrow: true })
}
