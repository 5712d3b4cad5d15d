/** Form pieces the chronicle's staff pages share: selects, text areas, and values shown as text. */
import { html } from 'ghtml'
import type { PageContext } from '../../../platform/html/layout.ts'
import { formatNumber } from '../../../platform/i18n.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import type { SourceSnapshot } from '../commands/event-record.ts'
import type { Localised } from '../tables.ts'

/** A select's option. */
export type Option = { value: string; label: string }

// The label, hint and error above a control, and the attributes that tie them to it.
function parts(ctx: PageContext, errors: FieldErrors, name: string, label: string, hint?: string) {
  const id = `field-${name}`
  const error = errors[name]
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ')
  const head = html`<label for="${id}">${label}</label>
!${hint ? html`<span class="hint" id="${id}-hint">${hint}</span>` : ''}
!${error ? html`<span class="field-error" id="${id}-error">${ctx.t(error)}</span>` : ''}`
  const attributes = html`id="${id}" name="${name}" aria-invalid="${error ? 'true' : 'false'}" !${describedBy ? html`aria-describedby="${describedBy}"` : ''}`
  return { head, attributes }
}

/** A labelled select; a value not among the options is kept as an extra option so it is not lost. */
export function selectField(
  ctx: PageContext,
  errors: FieldErrors,
  options: { name: string; label: string; options: Option[]; value: string; hint?: string },
): string {
  const { head, attributes } = parts(ctx, errors, options.name, options.label, options.hint)
  const list = options.options.some((option) => option.value === options.value)
    ? options.options
    : [...options.options, { value: options.value, label: options.value }]
  const items = list
    .map(
      (option) =>
        html`<option value="${option.value}" ${option.value === options.value ? 'selected' : ''}>${option.label}</option>`,
    )
    .join('')
  return html`<div>!${head}<select !${attributes}>!${items}</select></div>`
}

/** A labelled text area. */
export function textareaField(
  ctx: PageContext,
  errors: FieldErrors,
  options: { name: string; label: string; value: string; hint?: string; rows?: number; lang?: string },
): string {
  const { head, attributes } = parts(ctx, errors, options.name, options.label, options.hint)
  return html`<div>!${head}<textarea !${attributes} rows="${options.rows ?? 4}" !${options.lang ? html`lang="${options.lang}"` : ''}>${options.value}</textarea></div>`
}

/** A labelled text input (the platform's `field` has no `lang` or `inputmode="decimal"`). */
export function inputField(
  ctx: PageContext,
  errors: FieldErrors,
  options: {
    name: string
    label: string
    value: string
    hint?: string
    type?: string
    lang?: string
    inputmode?: string
  },
): string {
  const { head, attributes } = parts(ctx, errors, options.name, options.label, options.hint)
  return html`<div>!${head}<input !${attributes} type="${options.type ?? 'text'}" value="${options.value}" autocomplete="off"
 !${options.lang ? html`lang="${options.lang}"` : ''} !${options.inputmode ? html`inputmode="${options.inputmode}"` : ''}></div>`
}

/** A localised text in the reader's language, else the first language it has. */
export function pick(texts: Localised | null | undefined, locale: string): string {
  if (!texts) return ''
  return texts[locale as keyof Localised] || texts.ru || texts.en || texts.uk || ''
}

/** A date as its precision allows: 2022-03-06, 2022-03, 2022, or "unknown". */
export function dateText(ctx: PageContext, date: string | null, precision: string): string {
  if (!date || precision === 'unknown') return ctx.t('chronicle.staff.dateUnknown')
  if (precision === 'month') return date.slice(0, 7)
  if (precision === 'year') return date.slice(0, 4)
  return date
}

/** A source in one line. */
export function sourceText(ctx: PageContext, source: SourceSnapshot): string {
  const parts = [
    source.publisher,
    source.url,
    source.description,
    source.published_on,
    ctx.t(`chronicle.staff.reliability.${source.reliability}`),
  ].filter(Boolean)
  return parts.join(' · ')
}

/** A recorded value of any field, as text for the history, compare and conflict pages. */
export function valueText(ctx: PageContext, field: string, value: unknown): string {
  const { t } = ctx
  if (value === null || value === undefined || value === '') return '—'
  if (field === 'sources' && Array.isArray(value))
    return value.length ? value.map((source) => sourceText(ctx, source as SourceSnapshot)).join(' ; ') : '—'
  if (typeof value === 'boolean') return t(value ? 'chronicle.staff.yes' : 'chronicle.staff.no')
  if (typeof value === 'number') return formatNumber(value, ctx.locale)
  if (field.endsWith('_precision') && field !== 'coord_precision')
    return t(`chronicle.staff.precision.${value}`)
  if (field === 'coord_precision') return t(`chronicle.staff.coordPrecision.${value}`)
  if (field === 'status') return t(`chronicle.staff.status.${value}`)
  if (field === 'authorised') return t(`chronicle.staff.authorised.${value}`)
  return String(value)
}
