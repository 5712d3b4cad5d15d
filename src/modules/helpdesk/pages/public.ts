/**
 * The help desk's public pages: the two forms, the receipt, and the page a receipt opens. Plain HTML
 * forms that work in Tor Browser at its safest level; every field says why it is asked.
 */
import { html } from 'ghtml'
import { assetUrl } from '../../../platform/html/assets.ts'
import {
  checkboxGroup,
  errorSummary,
  fieldError,
  fieldHint,
  inputField,
  type Option,
  radioGroup,
  selectField,
  sentList,
  sentText,
  textareaField,
} from '../../../platform/html/forms.ts'
import { csrfField, layout, noticeLine, type PageContext } from '../../../platform/html/layout.ts'
import { formatDateTime } from '../../../platform/i18n.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import type { WriterView } from '../queries/writer-view.ts'
import { consentGivers, legalCategories, needs } from '../schema.ts'
import { answerRows } from './answers.ts'
import { consentSection } from './consent.ts'
import { messageTime } from './times.ts'

const base = '/help'

/** What a form page shows: the values sent back, what is wrong with them, the regions and a token. */
export type FormView = {
  values: Record<string, unknown>
  errors: FieldErrors
  regions: Option[]
  /** Whether a report from any region, or giving none, is received (else only from `regions`). */
  anyRegion?: boolean
  token: string
}

/**
 * The start page: what the desk does, the two forms, and the way back with a receipt. While no desk can
 * receive a report (`open` false: a fresh install, or desks nobody is on), it says so instead of
 * offering forms that could not be accepted.
 */
export function startPage(ctx: PageContext, view: { open: boolean }): string {
  const { t } = ctx
  if (!view.open)
    return layout(ctx, {
      title: t('helpdesk.public.title'),
      narrow: true,
      body: html`<h1>${t('helpdesk.public.title')}</h1>
<p class="notice warn" role="status">${t('helpdesk.public.closedBefore')}</p>
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
<h2>${t('helpdesk.public.safetyTitle')}</h2>
<ul>
<li>${t('helpdesk.public.safetySealed')}</li>
<li>${t('helpdesk.public.safetyClear')}</li>
<li>${t('helpdesk.public.safetyReceipt')}</li>
<li>${t('helpdesk.public.safetyDelete')}</li>
</ul>`,
  })
}

// The proof-of-work widget (public/helpdesk-proof.js) and its texts in the page's language.
const proofAssets = (ctx: PageContext) => ({
  styles: ['altcha.css'],
  modules: ['altcha.js', ...(ctx.locale === 'en' ? [] : [`altcha-${ctx.locale}.js`]), 'helpdesk-proof.js'],
})

// The CSRF token and the form's one-time token open both forms: the server reads the body as it comes
// and reads no photo before a valid CSRF token has arrived (platform/intake/multipart-form.ts).
function formTokens(ctx: PageContext, view: FormView): string {
  return html`!${csrfField(ctx)}
<input type="hidden" name="token" value="${view.token}">`
}

// Region, contact and consent: the end of both forms, then the honeypot and the send button.
function commonFields(ctx: PageContext, view: FormView): string {
  const { t } = ctx
  const { values, errors } = view
  const consent = checkboxGroup(ctx, errors, {
    name: 'consent',
    legend: t('helpdesk.form.consent'),
    hint: t('helpdesk.form.consentHint'),
    options: [
      {
        value: 'publishFacts',
        label: t('helpdesk.form.publishFacts'),
        checked: sentText(values, 'publishFacts') === 'yes',
      },
      {
        value: 'publishNames',
        label: t('helpdesk.form.publishNames'),
        checked: sentText(values, 'publishNames') === 'yes',
      },
    ].map((option) => ({ ...option, name: option.value, value: 'yes' })),
  })
  // Who gives the consent: never required (no error holds a writer up), the hint says what each means.
  const consentBy = radioGroup(ctx, errors, {
    name: 'consentBy',
    legend: t('helpdesk.form.consentBy'),
    hint: t('helpdesk.form.consentByHint'),
    value: sentText(values, 'consentBy'),
    options: consentGivers.map((giver) => ({ value: giver, label: t(`helpdesk.consentBy.${giver}`) })),
  })
  const photoError = errors.photo
  const photo = html`<div>
<label for="field-photo">${t('helpdesk.form.photo')}</label>
!${fieldHint('photo', t('helpdesk.form.photoHint'))}
!${fieldError(ctx, errors, 'photo')}
<input id="field-photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp" multiple aria-describedby="field-photo-hint!${photoError ? ' field-photo-error' : ''}" aria-invalid="${photoError ? 'true' : 'false'}">
</div>`
  return html`!${photo}
!${inputField(ctx, errors, {
    name: 'contact',
    label: t('helpdesk.form.contact'),
    hint: t('helpdesk.form.contactHint'),
    value: sentText(values, 'contact'),
  })}
!${consent}
!${consentBy}
<div class="visually-hidden" aria-hidden="true">
<label for="field-website">${t('helpdesk.form.honeypot')}</label>
<input id="field-website" name="website" type="text" value="" tabindex="-1" autocomplete="off">
</div>
<div class="proof" hidden data-proof-challenge="${base}/proof" data-proof-worker="${assetUrl('altcha-pbkdf2.js')}">
<p class="hint">${t('helpdesk.form.proofHint')}</p>
</div>
<p class="hint">${t('helpdesk.form.beforeSend')}</p>
<button type="submit">${t('helpdesk.form.send')}</button>`
}

function regionField(ctx: PageContext, view: FormView): string {
  const { t } = ctx
  return selectField(ctx, view.errors, {
    name: 'region',
    label: t('helpdesk.form.region'),
    hint: t(view.anyRegion === false ? 'helpdesk.form.regionServedHint' : 'helpdesk.form.regionHint'),
    options:
      view.anyRegion === false
        ? [{ value: '', label: t('helpdesk.form.regionChoose') }, ...view.regions]
        : [{ value: '', label: t('helpdesk.form.regionUnknown') }, ...view.regions],
    value: sentText(view.values, 'region'),
  })
}

const detainedLabels = (ctx: PageContext): Record<string, string> =>
  Object.fromEntries(
    [
      'who',
      'people',
      'region',
      'place',
      'date',
      'time',
      'station',
      'needs',
      'details',
      'photo',
      'contact',
      'publishFacts',
      'publishNames',
      'consentBy',
      'token',
      'website',
    ].map((name) => [name, ctx.t(`helpdesk.form.${name}`)]),
  )

/** "Someone was detained". */
export function detainedPage(ctx: PageContext, view: FormView): string {
  const { t } = ctx
  const { values, errors } = view
  const needBoxes = checkboxGroup(ctx, errors, {
    name: 'needs',
    legend: t('helpdesk.form.needs'),
    hint: t('helpdesk.form.needsHint'),
    options: needs.map((need) => ({
      name: 'needs',
      value: need,
      label: t(`helpdesk.needs.${need}`),
      checked: sentList(values, 'needs').includes(need),
    })),
  })
  return layout(ctx, {
    title: t('helpdesk.public.detained'),
    narrow: true,
    ...proofAssets(ctx),
    body: html`<h1>${t('helpdesk.public.detained')}</h1>
<p>${t('helpdesk.form.fewRequired')}</p>
!${errorSummary(ctx, errors, detainedLabels(ctx))}
<form class="stack" method="post" action="${base}/detained" enctype="multipart/form-data" novalidate>
!${formTokens(ctx, view)}
!${needBoxes}
!${textareaField(ctx, errors, { name: 'who', label: t('helpdesk.form.who'), hint: t('helpdesk.form.whoHint'), value: sentText(values, 'who'), rows: 3 })}
!${inputField(ctx, errors, { name: 'people', label: t('helpdesk.form.people'), hint: t('helpdesk.form.peopleHint'), value: sentText(values, 'people'), inputmode: 'numeric' })}
!${regionField(ctx, view)}
!${inputField(ctx, errors, { name: 'place', label: t('helpdesk.form.place'), hint: t('helpdesk.form.placeHint'), value: sentText(values, 'place') })}
!${inputField(ctx, errors, { name: 'date', label: t('helpdesk.form.date'), hint: t('helpdesk.form.dateHint'), value: sentText(values, 'date'), type: 'date' })}
!${inputField(ctx, errors, { name: 'time', label: t('helpdesk.form.time'), hint: t('helpdesk.form.timeHint'), value: sentText(values, 'time'), type: 'time' })}
!${inputField(ctx, errors, { name: 'station', label: t('helpdesk.form.station'), hint: t('helpdesk.form.stationHint'), value: sentText(values, 'station') })}
!${textareaField(ctx, errors, { name: 'details', label: t('helpdesk.form.details'), hint: t('helpdesk.form.detailsHint'), value: sentText(values, 'details'), rows: 5 })}
!${commonFields(ctx, view)}
</form>`,
  })
}

const legalLabels = (ctx: PageContext): Record<string, string> =>
  Object.fromEntries(
    [
      'category',
      'name',
      'region',
      'deadline',
      'details',
      'photo',
      'contact',
      'publishFacts',
      'publishNames',
      'consentBy',
      'token',
      'website',
    ].map((name) => [name, ctx.t(`helpdesk.form.${name}`)]),
  )

/** "I need legal help". */
export function legalPage(ctx: PageContext, view: FormView): string {
  const { t } = ctx
  const { values, errors } = view
  return layout(ctx, {
    title: t('helpdesk.public.legal'),
    narrow: true,
    ...proofAssets(ctx),
    body: html`<h1>${t('helpdesk.public.legal')}</h1>
<p>${t('helpdesk.form.fewRequired')}</p>
!${errorSummary(ctx, errors, legalLabels(ctx))}
<form class="stack" method="post" action="${base}/legal" enctype="multipart/form-data" novalidate>
!${formTokens(ctx, view)}
!${selectField(ctx, errors, {
      name: 'category',
      label: t('helpdesk.form.category'),
      hint: t('helpdesk.form.categoryHint'),
      options: [
        { value: '', label: t('helpdesk.form.chooseOne') },
        ...legalCategories.map((category) => ({
          value: category,
          label: t(`helpdesk.categories.${category}`),
        })),
      ],
      value: sentText(values, 'category'),
    })}
!${textareaField(ctx, errors, { name: 'details', label: t('helpdesk.form.legalDetails'), hint: t('helpdesk.form.legalDetailsHint'), value: sentText(values, 'details'), rows: 6 })}
!${inputField(ctx, errors, { name: 'deadline', label: t('helpdesk.form.deadline'), hint: t('helpdesk.form.deadlineHint'), value: sentText(values, 'deadline'), type: 'date' })}
!${inputField(ctx, errors, { name: 'name', label: t('helpdesk.form.name'), hint: t('helpdesk.form.nameHint'), value: sentText(values, 'name') })}
!${regionField(ctx, view)}
!${commonFields(ctx, view)}
</form>`,
  })
}

/** The receipt, once the report is stored: to write down now, as nothing else brings the writer back. */
export function receiptPage(ctx: PageContext, receipt: string, repeated: boolean): string {
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
<p><a class="button" href="${base}/report">${t('helpdesk.receipt.openLink')}</a></p>`,
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
export function noDeskPage(ctx: PageContext, when: 'before' | 'sent'): string {
  const { t } = ctx
  return layout(ctx, {
    title: t('helpdesk.public.closedTitle'),
    narrow: true,
    body: html`<h1>${t('helpdesk.public.closedTitle')}</h1>
<p class="notice warn" role="status">${t(when === 'before' ? 'helpdesk.public.closedBefore' : 'helpdesk.public.closedText')}</p>`,
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
