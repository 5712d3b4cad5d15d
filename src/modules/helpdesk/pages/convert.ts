/** The page that makes a report into a chronicle event: the draft, what it carries and why. */
import { html } from 'ghtml'
import { csrfField, layout, type PageContext } from '../../../platform/html/layout.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import { eventErrorSummary, eventFields, type TermOption } from '../../chronicle/index.ts'
import { deskBase } from './desk.ts'

/** What the conversion page shows. */
export type ConvertView = {
  reportId: string
  values: Record<string, string>
  errors: FieldErrors
  types: TermOption[]
  regions: TermOption[]
  consent: { facts: boolean; names: boolean }
  eventId: number | null
}

/** The conversion form, or a link to the event a report was already made into. */
export function convertPage(ctx: PageContext, view: ConvertView): string {
  const { t } = ctx
  const back = `${deskBase}/reports/${view.reportId}`
  if (view.eventId) {
    return layout(ctx, {
      title: t('helpdesk.convert.title'),
      body: html`<h1>${t('helpdesk.convert.title')}</h1><p>${t('helpdesk.convert.already')}</p>
<p><a href="/staff/chronicle/events/${view.eventId}">${t('helpdesk.convert.openEvent')}</a></p><p><a href="${back}">${t('helpdesk.convert.back')}</a></p>`,
    })
  }
  const consent = [
    t(view.consent.facts ? 'helpdesk.convert.factsYes' : 'helpdesk.convert.factsNo'),
    t(view.consent.names ? 'helpdesk.convert.namesYes' : 'helpdesk.convert.namesNo'),
  ]
  return layout(ctx, {
    title: t('helpdesk.convert.title'),
    body: html`<h1>${t('helpdesk.convert.title')}</h1>
<p>${t('helpdesk.convert.intro')}</p>
<ul>!${consent.map((line) => html`<li>${line}</li>`).join('')}</ul>
!${eventErrorSummary(ctx, view.errors)}
<form class="stack" method="post" action="${back}/convert">!${csrfField(ctx)}
!${eventFields(ctx, { values: view.values, errors: view.errors, types: view.types, regions: view.regions })}
<button type="submit">${t('helpdesk.convert.create')}</button></form>
<p><a href="${back}">${t('helpdesk.convert.back')}</a></p>`,
  })
}
