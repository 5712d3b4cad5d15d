/**
 * The help desk's two public forms, "someone was detained" and "I need legal help": plain HTML forms
 * that work in Tor Browser at its safest level; every field says why it is asked.
 */
import { html } from 'ghtml'
import { assetUrl } from '../../../platform/html/assets.ts'
import { messageBox } from '../../../platform/html/components.ts'
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
import { csrfField, layout, type PageContext } from '../../../platform/html/layout.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import { consentGivers, legalCategories, needs, personFlags } from '../schema.ts'
import type { ReportForm } from '../tables.ts'
import { guideLinks } from './guides.ts'

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
    hint: `${t('helpdesk.form.contactHint')} ${t('helpdesk.form.contactCheck')}`,
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

// The error summary's labels: each field by its name, as the form shows it (`shown` where the label
// key is not the field's name), the end common to both forms last.
function labelsOf(
  ctx: PageContext,
  names: string[],
  shown: Record<string, string> = {},
): Record<string, string> {
  const common = ['photo', 'contact', 'publishFacts', 'publishNames', 'consentBy', 'token', 'website']
  return Object.fromEntries(
    [...names, ...common].map((name) => [name, ctx.t(`helpdesk.form.${shown[name] ?? name}`)]),
  )
}

// A group of boxes, one per code, named and hinted as `helpdesk.form.<name>`, each labelled from
// `helpdesk.<labels>.<code>` and ticked as sent.
function codeBoxes(ctx: PageContext, view: FormView, name: string, codes: readonly string[], labels: string) {
  const { t } = ctx
  return checkboxGroup(ctx, view.errors, {
    name,
    legend: t(`helpdesk.form.${name}`),
    hint: t(`helpdesk.form.${name}Hint`),
    options: codes.map((code) => ({
      name,
      value: code,
      label: t(`helpdesk.${labels}.${code}`),
      checked: sentList(view.values, name).includes(code),
    })),
  })
}

// A form's page: its title, the guides, what to leave out, the errors, then its own fields and the
// end both forms share.
function formPage(
  ctx: PageContext,
  view: FormView,
  form: ReportForm,
  labels: Record<string, string>,
  fields: string,
) {
  const { t } = ctx
  const title = t(`helpdesk.public.${form}`)
  return layout(ctx, {
    title,
    narrow: true,
    ...proofAssets(ctx),
    body: html`<h1>${title}</h1>
!${guideLinks(ctx)}
<p>${t('helpdesk.form.fewRequired')}</p>
!${messageBox('warn', { bodyHtml: html`<p>${t('helpdesk.form.othersWarning')}</p>` })}
!${errorSummary(ctx, view.errors, labels)}
<form class="stack" method="post" action="${base}/${form}" enctype="multipart/form-data" novalidate>
!${formTokens(ctx, view)}
!${fields}
!${commonFields(ctx, view)}
</form>`,
  })
}

// Who the person is: what a lawyer gives at the station's door (the name in full, the date of birth),
// what makes it urgent (each box moves the report to the top), and anything else that helps find them.
function personFields(ctx: PageContext, view: FormView): string {
  const { t } = ctx
  const { values, errors } = view
  return html`!${inputField(ctx, errors, { name: 'fullName', label: t('helpdesk.form.fullName'), hint: t('helpdesk.form.fullNameHint'), value: sentText(values, 'fullName') })}
!${inputField(ctx, errors, { name: 'birthDate', label: t('helpdesk.form.birthDate'), hint: t('helpdesk.form.birthDateHint'), value: sentText(values, 'birthDate') })}
!${codeBoxes(ctx, view, 'flags', personFlags, 'flags')}
!${textareaField(ctx, errors, { name: 'who', label: t('helpdesk.form.who'), hint: t('helpdesk.form.whoHint'), value: sentText(values, 'who'), rows: 3 })}`
}

/** "Someone was detained". */
export function detainedPage(ctx: PageContext, view: FormView): string {
  const { t } = ctx
  const { values, errors } = view
  const labels = labelsOf(ctx, [
    'needs',
    'fullName',
    'birthDate',
    'flags',
    'who',
    'people',
    'region',
    'place',
    'date',
    'time',
    'station',
    'details',
  ])
  return formPage(
    ctx,
    view,
    'detained',
    labels,
    html`!${codeBoxes(ctx, view, 'needs', needs, 'needs')}
!${personFields(ctx, view)}
!${inputField(ctx, errors, { name: 'people', label: t('helpdesk.form.people'), hint: t('helpdesk.form.peopleHint'), value: sentText(values, 'people'), inputmode: 'numeric' })}
!${regionField(ctx, view)}
!${inputField(ctx, errors, { name: 'place', label: t('helpdesk.form.place'), hint: t('helpdesk.form.placeHint'), value: sentText(values, 'place') })}
!${inputField(ctx, errors, { name: 'date', label: t('helpdesk.form.date'), hint: t('helpdesk.form.dateHint'), value: sentText(values, 'date'), type: 'date' })}
!${inputField(ctx, errors, { name: 'time', label: t('helpdesk.form.time'), hint: t('helpdesk.form.timeHint'), value: sentText(values, 'time'), type: 'time' })}
!${inputField(ctx, errors, { name: 'station', label: t('helpdesk.form.station'), hint: t('helpdesk.form.stationHint'), value: sentText(values, 'station') })}
!${textareaField(ctx, errors, { name: 'details', label: t('helpdesk.form.details'), hint: t('helpdesk.form.detailsHint'), value: sentText(values, 'details'), rows: 5 })}`,
  )
}

/** "I need legal help". */
export function legalPage(ctx: PageContext, view: FormView): string {
  const { t } = ctx
  const { values, errors } = view
  const labels = labelsOf(ctx, ['category', 'details', 'deadline', 'name', 'region'], {
    details: 'legalDetails',
  })
  return formPage(
    ctx,
    view,
    'legal',
    labels,
    html`!${selectField(ctx, errors, {
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
!${regionField(ctx, view)}`,
  )
}
