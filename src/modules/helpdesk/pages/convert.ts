/** The page that makes a report into a chronicle event: the draft, what it carries and why. */
import { html } from 'ghtml'
import { messageBox } from '../../../platform/html/components.ts'
import { csrfField, layout, noticeLine, type PageContext } from '../../../platform/html/layout.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import { eventErrorSummary, eventFields, type TermOption } from '../../chronicle/index.ts'
import { DRAFTED_FIELD, DRAFTED_WITHOUT_CONSENT } from '../commands/convert-report.ts'
import type { ConsentGiver } from '../schema.ts'
import type { Consent } from '../triage.ts'
import { deskBase } from './desk.ts'

/** What the conversion page shows. */
export type ConvertView = {
  reportId: string
  values: Record<string, string>
  errors: FieldErrors
  types: TermOption[]
  regions: TermOption[]
  /** What the writer's consent allows now (triage.ts, consentOf: withdrawal included). */
  consent: Consent
  /** Who the writer said gives the consent; null when they didn't say (or the report can't be read). */
  consentBy: ConsentGiver | null
  /** Whether the writer withdrew their consent. */
  withdrawn: boolean
  eventId: number | null
  /** Why the page came back instead of the event being made. */
  notice?: string
}

// Who gave the consent, and what that makes of the ticked boxes.
function consentLines(ctx: PageContext, view: ConvertView): string {
  const { t } = ctx
  const lines = [
    t(`helpdesk.convert.consentBy.${view.consentBy ?? 'none'}`),
    t(view.consent.facts ? 'helpdesk.convert.factsYes' : 'helpdesk.convert.factsNo'),
    t(view.consent.names ? 'helpdesk.convert.namesYes' : 'helpdesk.convert.namesNo'),
  ]
  if (!view.consent.facts) lines.push(t('helpdesk.convert.keptSensitive'))
  return html`<ul>!${lines.map((line) => html`<li>${line}</li>`).join('')}</ul>`
}

const withdrawnBox = (ctx: PageContext, text: string) =>
  messageBox('warn', { title: ctx.t('helpdesk.convert.withdrawnTitle'), bodyHtml: html`<p>${text}</p>` })

/** The conversion form, or a link to the event a report was already made into. */
export function convertPage(ctx: PageContext, view: ConvertView): string {
  const { t } = ctx
  const back = `${deskBase}/reports/${view.reportId}`
  if (view.eventId) {
    return layout(ctx, {
      title: t('helpdesk.convert.title'),
      body: html`<h1>${t('helpdesk.convert.title')}</h1>
!${view.withdrawn ? withdrawnBox(ctx, t('helpdesk.convert.withdrawnAfter')) : ''}
<p>${t('helpdesk.convert.already')}</p>
<p><a href="/staff/chronicle/events/${view.eventId}">${t('helpdesk.convert.openEvent')}</a></p><p><a href="${back}">${t('helpdesk.convert.back')}</a></p>`,
    })
  }
  const drafted = view.consent.facts || view.consent.names ? 'with-consent' : DRAFTED_WITHOUT_CONSENT
  return layout(ctx, {
    title: t('helpdesk.convert.title'),
    body: html`<h1>${t('helpdesk.convert.title')}</h1>
!${noticeLine(view.notice)}
!${view.withdrawn ? withdrawnBox(ctx, t('helpdesk.convert.withdrawnBefore')) : ''}
<p>${t('helpdesk.convert.intro')}</p>
!${consentLines(ctx, view)}
!${eventErrorSummary(ctx, view.errors)}
<form class="stack" method="post" action="${back}/convert">!${csrfField(ctx)}
<input type="hidden" name="${DRAFTED_FIELD}" value="${drafted}">
!${eventFields(ctx, { values: view.values, errors: view.errors, types: view.types, regions: view.regions })}
<button type="submit">${t('helpdesk.convert.create')}</button></form>
<p><a href="${back}">${t('helpdesk.convert.back')}</a></p>`,
  })
}
