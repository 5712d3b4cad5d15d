/**
 * The writer's side of consent to publish: what they agreed to on their follow-up page, and the step
 * that confirms its withdrawal. Receipts travel only in form bodies, as on every writer's page.
 */
import { html } from 'ghtml'
import { errorSummary } from '../../../platform/html/forms.ts'
import { csrfField, layout, type PageContext } from '../../../platform/html/layout.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import type { WriterView } from '../queries/writer-view.ts'
import { askedToPublish, consentOf } from '../triage.ts'

const base = '/help'

/**
 * What the writer agreed to publish, whether it counts, and the way to withdraw it (the follow-up
 * page's last section). The withdrawal's one-time token comes with its confirmation step.
 */
export function consentSection(ctx: PageContext, report: WriterView, receipt: string): string {
  const { t } = ctx
  const { content } = report
  const lines: string[] = []
  if (report.consentWithdrawn) lines.push(t('helpdesk.consent.withdrawn'))
  else if (!askedToPublish(content)) lines.push(t('helpdesk.consent.none'))
  else {
    if (content.publishFacts) lines.push(t('helpdesk.consent.facts'))
    if (content.publishNames) lines.push(t('helpdesk.consent.names'))
    const counts = consentOf(content, false)
    const giver =
      counts.facts || counts.names ? (content.consentBy === 'self' ? 'bySelf' : 'byAgreed') : 'byUnknown'
    lines.push(t(`helpdesk.consent.${giver}`))
  }
  const form =
    report.consentWithdrawn || !askedToPublish(content)
      ? ''
      : html`<form class="stack" method="post" action="${base}/report/withdraw">
!${csrfField(ctx)}
<input type="hidden" name="receipt" value="${receipt}">
<p class="hint">${t('helpdesk.consent.withdrawHint')}</p>
<div><button type="submit" class="secondary">${t('helpdesk.consent.withdraw')}</button></div>
</form>`
  return html`<h2 id="consent">${t('helpdesk.consent.title')}</h2>
<ul>!${lines.map((line) => html`<li>${line}</li>`).join('')}</ul>
!${form}`
}

/**
 * The step before withdrawing consent: what it does, then "yes" (which sends `confirm`) or back to the
 * request. Both carry the receipt in the form body, as every writer's page does.
 */
export function withdrawConsentPage(
  ctx: PageContext,
  view: { receipt: string; token: string; errors: FieldErrors },
): string {
  const { t } = ctx
  return layout(ctx, {
    title: t('helpdesk.consent.confirmTitle'),
    narrow: true,
    body: html`<h1>${t('helpdesk.consent.confirmTitle')}</h1>
!${errorSummary(ctx, view.errors, { token: t('helpdesk.form.token'), confirm: t('helpdesk.consent.confirm') })}
<p>${t('helpdesk.consent.confirmText')}</p>
<form class="stack" method="post" action="${base}/report/withdraw">
!${csrfField(ctx)}
<input type="hidden" name="receipt" value="${view.receipt}">
<input type="hidden" name="token" value="${view.token}">
<input type="hidden" name="confirm" value="yes">
<div><button type="submit">${t('helpdesk.consent.confirm')}</button></div>
</form>
<form method="post" action="${base}/report">
!${csrfField(ctx)}
<input type="hidden" name="receipt" value="${view.receipt}">
<div><button type="submit" class="secondary">${t('helpdesk.consent.cancel')}</button></div>
</form>`,
  })
}
