/**
 * The event form's fields, shared by the new-event page, the edit page and the conflict page (which
 * shows the editor's own values again, to save deliberately over the newer version).
 */
import { html } from 'ghtml'
import { precisions } from '../../../platform/dates/precision.ts'
import {
  errorSummary,
  inputField,
  type Option,
  selectField,
  textareaField,
} from '../../../platform/html/forms.ts'
import type { PageContext } from '../../../platform/html/layout.ts'
import type { Localised } from '../../../platform/localised.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import { type TermExtra, termLabel } from '../../../platform/vocabularies/terms.ts'
import { countQualifiers } from '../schema/event-fields.ts'
import { authorisedValues, coordPrecisions, reliabilities, textLanguages } from '../schema/events.ts'

/** A vocabulary term as the selects need it. */
export type TermOption = { code: string; labels: unknown; extra?: unknown }

/** What the form shows: the values (as typed), errors, and the vocabularies' approved terms. */
export type EventFormOptions = {
  values: Record<string, string>
  errors: FieldErrors
  types: TermOption[]
  regions: TermOption[]
  /**
   * Approved countries as options, in the order to list them (Russia, Belarus, Ukraine, Georgia
   * first). Without them no country is asked: the region's is taken (see save-event.ts).
   */
  countries?: Option[]
}

const fieldLabel = (ctx: PageContext, name: string) => ctx.t(`chronicle.staff.fields.${name}`)

/** The label of every field the form may report an error for, for the error summary. */
export function eventFormLabels(ctx: PageContext): Record<string, string> {
  const names = [
    ...textLanguages.flatMap((lang) => [`title_${lang}`, `summary_${lang}`]),
    ...['type', 'start_date', 'start_precision', 'end_date', 'end_precision', 'country', 'region'],
    ...['locality', 'latitude', 'longitude', 'coord_precision', 'participants', 'participants_qualifier'],
    ...['detained', 'detained_qualifier', 'authorised'],
    ...['subject', 'organisers', 'sensitive', 'version'],
    ...['url', 'description', 'publisher', 'published_on', 'reliability'],
  ]
  const labels: Record<string, string> = {}
  for (const name of names) labels[name] = fieldLabel(ctx, name)
  for (const name of ['url', 'description', 'publisher', 'published_on', 'reliability'])
    labels[`source_${name}`] = fieldLabel(ctx, name)
  return labels
}

/** The error summary for the event form. */
export function eventErrorSummary(ctx: PageContext, errors: FieldErrors): string {
  return errorSummary(ctx, errors, eventFormLabels(ctx))
}

const termOptions = (ctx: PageContext, terms: TermOption[], empty: string): Option[] => [
  { value: '', label: empty },
  ...terms
    .map((term) => ({
      value: term.code,
      label: termLabel(
        { code: term.code, labels: term.labels as Localised, extra: (term.extra ?? {}) as TermExtra },
        ctx.locale,
      ),
    }))
    .sort((a, b) => a.label.localeCompare(b.label, ctx.locale)),
]

const enumOptions = (ctx: PageContext, values: readonly string[], prefix: string): Option[] =>
  values.map((value) => ({ value, label: ctx.t(`${prefix}.${value}`) }))

/** The fieldsets of an event: texts per language, what and when, where, how many, who. */
export function eventFields(ctx: PageContext, options: EventFormOptions): string {
  const { t } = ctx
  const { values, errors } = options
  const v = (name: string) => values[name] ?? ''
  // How a count is known, right under it: "1000+" is at least 1,000, "около 200" about 200.
  const qualifierField = (count: 'participants' | 'detained') =>
    selectField(ctx, errors, {
      name: `${count}_qualifier`,
      label: fieldLabel(ctx, `${count}_qualifier`),
      options: enumOptions(ctx, countQualifiers, 'chronicle.staff.countQualifier'),
      value: v(`${count}_qualifier`) || 'exact',
    })
  const texts = textLanguages
    .map(
      (lang) => html`<fieldset><legend>${t(`chronicle.staff.language.${lang}`)}</legend>
!${inputField(ctx, errors, { name: `title_${lang}`, label: fieldLabel(ctx, 'title'), value: v(`title_${lang}`), lang })}
!${textareaField(ctx, errors, { name: `summary_${lang}`, label: fieldLabel(ctx, 'summary'), value: v(`summary_${lang}`), lang, rows: 5 })}
</fieldset>`,
    )
    .join('')
  // A new event has a start day, but seldom an end: a blank form's end is "unknown", so it needs no date.
  const date = (end: 'start' | 'end') => html`<fieldset><legend>${fieldLabel(ctx, `${end}_date`)}</legend>
!${inputField(ctx, errors, { name: `${end}_date`, label: t('chronicle.staff.date'), type: 'date', value: v(`${end}_date`), hint: t('chronicle.staff.dateHint') })}
!${selectField(ctx, errors, { name: `${end}_precision`, label: t('chronicle.staff.precisionLabel'), options: enumOptions(ctx, precisions, 'chronicle.staff.precision'), value: v(`${end}_precision`) || (end === 'start' ? 'day' : 'unknown'), hint: t('chronicle.staff.precisionHint') })}
</fieldset>`
  return html`<p class="hint">${t('chronicle.staff.textsHint')}</p>
!${texts}
<fieldset><legend>${t('chronicle.staff.whatWhen')}</legend>
!${selectField(ctx, errors, { name: 'type', label: fieldLabel(ctx, 'type'), options: termOptions(ctx, options.types, t('chronicle.staff.choose')), value: v('type') })}
!${date('start')}
!${date('end')}
</fieldset>
<fieldset><legend>${t('chronicle.staff.where')}</legend>
!${options.countries ? selectField(ctx, errors, { name: 'country', label: fieldLabel(ctx, 'country'), options: [{ value: '', label: t('chronicle.staff.noCountry') }, ...options.countries], value: values.country ?? 'RU', hint: t('chronicle.staff.countryHint') }) : ''}
!${selectField(ctx, errors, { name: 'region', label: fieldLabel(ctx, 'region'), options: termOptions(ctx, options.regions, t('chronicle.staff.noRegion')), value: v('region') })}
!${inputField(ctx, errors, { name: 'locality', label: fieldLabel(ctx, 'locality'), value: v('locality'), hint: t('chronicle.staff.localityHint') })}
!${inputField(ctx, errors, { name: 'latitude', label: fieldLabel(ctx, 'latitude'), value: v('latitude'), inputmode: 'decimal', hint: t('chronicle.staff.coordinatesHint') })}
!${inputField(ctx, errors, { name: 'longitude', label: fieldLabel(ctx, 'longitude'), value: v('longitude'), inputmode: 'decimal' })}
!${selectField(ctx, errors, { name: 'coord_precision', label: fieldLabel(ctx, 'coord_precision'), options: [{ value: '', label: t('chronicle.staff.noCoordinates') }, ...enumOptions(ctx, coordPrecisions, 'chronicle.staff.coordPrecision')], value: v('coord_precision') })}
<div class="checks"><label><input type="checkbox" id="field-sensitive" name="sensitive" value="1" ${v('sensitive') === '1' ? 'checked' : ''} aria-describedby="field-sensitive-hint"> ${fieldLabel(ctx, 'sensitive')}</label>
<span class="hint" id="field-sensitive-hint">${t('chronicle.staff.sensitiveHint')}</span></div>
</fieldset>
<fieldset><legend>${t('chronicle.staff.whoHowMany')}</legend>
!${inputField(ctx, errors, { name: 'participants', label: fieldLabel(ctx, 'participants'), value: v('participants'), inputmode: 'numeric', hint: t('chronicle.staff.countHint') })}
!${qualifierField('participants')}
!${inputField(ctx, errors, { name: 'detained', label: fieldLabel(ctx, 'detained'), value: v('detained'), inputmode: 'numeric', hint: t('chronicle.staff.countHint') })}
!${qualifierField('detained')}
!${selectField(ctx, errors, { name: 'authorised', label: fieldLabel(ctx, 'authorised'), options: enumOptions(ctx, authorisedValues, 'chronicle.staff.authorised'), value: v('authorised') || 'unknown' })}
!${textareaField(ctx, errors, { name: 'subject', label: fieldLabel(ctx, 'subject'), value: v('subject'), rows: 2, hint: t('chronicle.staff.subjectHint') })}
!${textareaField(ctx, errors, { name: 'organisers', label: fieldLabel(ctx, 'organisers'), value: v('organisers'), rows: 2 })}
</fieldset>`
}

/** A source's fields; `prefix` is `source_` on the new-event form, where they sit beside the event's. */
export function sourceFields(
  ctx: PageContext,
  options: { values: Record<string, string>; errors: FieldErrors; prefix?: string },
): string {
  const { t } = ctx
  const prefix = options.prefix ?? ''
  const { errors } = options
  const v = (name: string) => options.values[`${prefix}${name}`] ?? ''
  return html`<p class="hint">${t('chronicle.staff.sourceHint')}</p>
!${inputField(ctx, errors, { name: `${prefix}url`, label: fieldLabel(ctx, 'url'), type: 'url', value: v('url') })}
!${textareaField(ctx, errors, { name: `${prefix}description`, label: fieldLabel(ctx, 'description'), value: v('description'), rows: 2 })}
!${inputField(ctx, errors, { name: `${prefix}publisher`, label: fieldLabel(ctx, 'publisher'), value: v('publisher') })}
!${inputField(ctx, errors, { name: `${prefix}published_on`, label: fieldLabel(ctx, 'published_on'), type: 'date', value: v('published_on') })}
!${selectField(ctx, errors, { name: `${prefix}reliability`, label: fieldLabel(ctx, 'reliability'), options: enumOptions(ctx, reliabilities, 'chronicle.staff.reliability'), value: v('reliability') || 'unknown' })}`
}
