/**
 * The help desk's public pages around its two forms (report-forms.ts): the start page, the receipt,
 * the pages when no desk can take a report, and the page a receipt opens.
 */
import { html } from 'ghtml'
import { errorSummary, inputField, textareaField } from '../../../platform/html/forms.ts'
import { csrfField, layout, noticeLine, type PageContext } from '../../../platform/html/layout.ts'
import { formatDateTime } from '../../../platform/i18n.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import type { DeskBlocks } from '../queries/guides.ts'
import type { WriterView } from '../queries/writer-view.ts'
import { answerRows } from './answers.ts'
import { consentSection } from './consent.ts'
import { deskBlocksHtml, guideLinks } from './guides.ts'
import { messageTime } from './times.ts'

const base = '/help'

/**
 * The start page: what the desk does, the two forms, and the way back with a receipt. While no desk can
 * receive a report (`open` false: a fresh install, or desks nobody is on), it says so instead of
 * offering forms that could not be accepted.
 */
export function startPage(ctx: PageContext, view: { open: boolean; blocks?: DeskBlocks }): string {
  const { t } = ctx
  if (!view.open)
    return layout(ctx, {
      title: t('helpdesk.public.title'),
      narrow: true,
      body: html`<h1>${t('helpdesk.public.title')}</h1>
<p class="notice warn" role="status">${t('helpdesk.public.closedBefore')}</p>
!${deskBlocksHtml(ctx, view.blocks)}
!${guideLinks(ctx)}
<p><a class="button secondary" href="${base}/report">${t('helpdesk.public.haveReceipt')}</a></p>`,
    })
  return layout(ctx, {
    title: t('helpdesk.public.title'),
    narrow: true,
    body: html`<h1>${t('helpdesk.public.title')}</h1>
<p>${t('helpdesk.public.intro')}</p>
<ul class="choices">
<li><a class="button" href="${base}/detained">${t('helpdesk.public.detained')}</a> <span class="hint">${t('helpdesk.public.detainedHint')}</span></li>
<li><a class="button" href="${base}/legal">${t('helpdesk.public.legal')}</a> <span class="hint">${t('helpdesk.public.legalHint')}</span></li>
<li><a class="button secondary" href="${base}/report">${t('helpdesk.public.haveReceipt')}</a></li>
</ul>
!${guideLinks(ctx)}
<p class="hint">${t('helpdesk.public.torHint')}</p>
<h2>${t('helpdesk.public.safetyTitle')}</h2>
<ul>
<li>${t('helpdesk.public.safetySealed')}</li>
<li>${t('helpdesk.public.safetyLimits')}</li>
<li>${t('helpdesk.public.safetyClear')}<ul>
!${['clearReport', 'clearWork', 'clearMessages', 'clearLink'].map((item) => html`<li>${t(`helpdesk.public.${item}`)}</li>`).join('')}
</ul></li>
<li>${t('helpdesk.public.clearAddresses')}</li>
<li>${t('helpdesk.public.safetyReceipt')}</li>
<li>${t('helpdesk.public.safetyDelete')}</li>
</ul>`,
  })
}

/** The receipt, once the report is stored: to write down now, as nothing else brings the writer back. */
export function receiptPage(
  ctx: PageContext,
  receipt: string,
  repeated: boolean,
  blocks?: DeskBlocks,
): string {
  const { t } = ctx
  return layout(ctx, {
    title: t('helpdesk.receipt.title'),
    narrow: true,
    body: html`<h1>${t('helpdesk.receipt.title')}</h1>
!${noticeLine(repeated ? t('helpdesk.receipt.repeated') : undefined)}
<p>${t('helpdesk.receipt.intro')}</p>
<p class="receipt"><strong lang="en" translate="no">${receipt}</strong></p>
<ul>
<li>${t('helpdesk.receipt.writeDown')}</li>
<li>${t('helpdesk.receipt.noOther')}</li>
<li>${t('helpdesk.receipt.safety')}</li>
</ul>
<p><a class="button" href="${base}/report">${t('helpdesk.receipt.openLink')}</a></p>
!${deskBlocksHtml(ctx, blocks)}
!${guideLinks(ctx)}`,
  })
}

/** A form sent again after its receipt may be shown again (commands/submit-report.ts): no receipt, and what to do. */
export function alreadySentPage(ctx: PageContext): string {
  const { t } = ctx
  return layout(ctx, {
    title: t('helpdesk.receipt.alreadySentTitle'),
    narrow: true,
    body: html`<h1>${t('helpdesk.receipt.alreadySentTitle')}</h1><p>${t('helpdesk.receipt.alreadySent')}</p>
<p><a class="button" href="${base}/report">${t('helpdesk.receipt.openLink')}</a></p>`,
  })
}

/**
 * When no desk can take reports (none set up, or nobody on it): say where else to turn, in place of a
 * form (`when` 'before') or of the receipt for one sent all the same ('sent': nothing was stored).
 */
export function noDeskPage(ctx: PageContext, when: 'before' | 'sent', blocks?: DeskBlocks): string {
  const { t } = ctx
  return layout(ctx, {
    title: t('helpdesk.public.closedTitle'),
    narrow: true,
    body: html`<h1>${t('helpdesk.public.closedTitle')}</h1>
<p class="notice warn" role="status">${t(when === 'before' ? 'helpdesk.public.closedBefore' : 'helpdesk.public.closedText')}</p>
!${deskBlocksHtml(ctx, blocks)}
!${guideLinks(ctx)}`,
  })
}

/** The form to type a receipt in. */
export function receiptEntryPage(ctx: PageContext, errors: FieldErrors, typed = ''): string {
  const { t } = ctx
  return layout(ctx, {
    title: t('helpdesk.followUp.title'),
    narrow: true,
    body: html`<h1>${t('helpdesk.followUp.title')}</h1>
!${errorSummary(ctx, errors, { receipt: t('helpdesk.followUp.receipt') })}
<form class="stack" method="post" action="${base}/report" novalidate>
!${csrfField(ctx)}
!${inputField(ctx, errors, { name: 'receipt', label: t('helpdesk.followUp.receipt'), hint: t('helpdesk.followUp.receiptHint'), value: typed })}
<button type="submit">${t('helpdesk.followUp.open')}</button>
</form>`,
  })
}

/** What the writer sees with a receipt: status, what they sent, the thread and a reply box. */
export function followUpPage(
  ctx: PageContext,
  view: {
    report: WriterView
    receipt: string
    token: string
    errors: FieldErrors
    /** Region names in the page's language by code: the report keeps the code. */
    regions: ReadonlyMap<string, string>
    message?: string
    notice?: string
  },
): string {
  const { t, locale } = ctx
  const { report } = view
  const thread = report.messages.length
    ? html`<ol class="thread">!${report.messages
        .map(
          (message) =>
            html`<li class="message ${message.author}"><p class="meta">${t(`helpdesk.followUp.from.${message.author}`)}, ${messageTime(message.author, message.sentAt, locale)}</p><p class="text">${message.text}</p></li>`,
        )
        .join('')}</ol>`
    : html`<p>${t('helpdesk.followUp.noReplies')}</p>`
  return layout(ctx, {
    title: t('helpdesk.followUp.reportTitle'),
    narrow: true,
    body: html`<h1>${t('helpdesk.followUp.reportTitle')}</h1>
!${noticeLine(view.notice)}
<dl class="summary">
<dt>${t('helpdesk.followUp.status')}</dt><dd>${t(`helpdesk.status.${report.status}`)}</dd>
<dt>${t('helpdesk.followUp.received')}</dt><dd>${formatDateTime(report.receivedAt, locale)}</dd>
</dl>
<details class="disclosure"><summary>${t('helpdesk.followUp.whatYouSent')}</summary><dl class="summary">!${answerRows(ctx, report.content as unknown as Record<string, unknown>, { hide: ['locale'], showNo: false, regions: view.regions })}</dl></details>
!${guideLinks(ctx)}
<h2>${t('helpdesk.followUp.thread')}</h2>
!${thread}
<h2 id="reply">${t('helpdesk.followUp.replyTitle')}</h2>
!${errorSummary(ctx, view.errors, { message: t('helpdesk.followUp.message'), token: t('helpdesk.form.token') })}
<form class="stack" method="post" action="${base}/report/reply" novalidate>
!${csrfField(ctx)}
<input type="hidden" name="receipt" value="${view.receipt}">
<input type="hidden" name="token" value="${view.token}">
!${textareaField(ctx, view.errors, { name: 'message', label: t('helpdesk.followUp.message'), hint: t('helpdesk.followUp.messageHint'), value: view.message ?? '', rows: 5 })}
<button type="submit">${t('helpdesk.followUp.send')}</button>
</form>
!${consentSection(ctx, report, view.receipt)}
<p class="hint">${t('helpdesk.followUp.leave')}</p>`,
  })
}
