/**
 * Accessible form pieces: inputs, selects and text areas with their labels, hints and errors tied to
 * them, and an error summary at the top.
 */
import { html } from 'ghtml'
import type { FieldErrors } from '../validation.ts'
import type { PageContext } from './layout.ts'

/** The line under a label saying what is wrong with field `name`, or '' when nothing is. */
export function fieldError(ctx: PageContext, errors: FieldErrors, name: string): string {
  const error = errors[name]
  return error ? html`<span class="field-error" id="field-${name}-error">${ctx.t(error)}</span>` : ''
}

/** The hint under field `name`'s label (tie it with `describedBy`), or '' without one. */
export function fieldHint(name: string, hint: string | undefined): string {
  return hint ? html`<span class="hint" id="field-${name}-hint">${hint}</span>` : ''
}

/** The ids of field `name`'s hint and error, for its `aria-describedby`; '' when it has neither. */
export function describedBy(name: string, hint: string | undefined, errors: FieldErrors): string {
  return [hint ? `field-${name}-hint` : '', errors[name] ? `field-${name}-error` : '']
    .filter(Boolean)
    .join(' ')
}

/** One labelled input. */
export type FieldOptions = {
  name: string
  label: string
  type?: 'text' | 'email' | 'password' | 'search' | 'date'
  value?: string
  hint?: string
  autocomplete?: string
  required?: boolean
  inputmode?: 'numeric' | 'text'
  maxlength?: number
}

/** A labelled input with its hint and, when invalid, its translated error. */
export function field(ctx: PageContext, errors: FieldErrors, options: FieldOptions): string {
  const id = `field-${options.name}`
  const error = errors[options.name]
  const described = describedBy(options.name, options.hint, errors)
  // Hints sit outside the label: tied by aria-describedby, they are read once, after the name.
  // Fragments built with `html` go in with `!${…}`; with `${…}` they would be escaped into text.
  return html`<div>
<label for="${id}">${options.label}</label>
!${fieldHint(options.name, options.hint)}
!${fieldError(ctx, errors, options.name)}
<input id="${id}" name="${options.name}" type="${options.type ?? 'text'}" value="${options.type === 'password' ? '' : (options.value ?? '')}"
 autocomplete="${options.autocomplete ?? 'off'}" !${options.required ? 'required' : ''} !${options.inputmode ? html`inputmode="${options.inputmode}"` : ''}
 !${options.maxlength ? html`maxlength="${options.maxlength}"` : ''} aria-invalid="${error ? 'true' : 'false'}" !${described ? html`aria-describedby="${described}"` : ''}>
</div>`
}

/** The box at the top of a form listing what is wrong, each linked to its field. */
export function errorSummary(ctx: PageContext, errors: FieldErrors, labels: Record<string, string>): string {
  const entries = Object.entries(errors)
  if (!entries.length) return ''
  const items = entries
    .map(([name, key]) =>
      name === '_form'
        ? html`<li>${ctx.t(key)}</li>`
        : html`<li><a href="#field-${name}">${labels[name] ?? name}: ${ctx.t(key)}</a></li>`,
    )
    .join('')
  return html`<div class="error-summary" role="alert" tabindex="-1"><h2>${ctx.t('validation.summary')}</h2><ul>!${items}</ul></div>`
}

/** A select's option. */
export type Option = { value: string; label: string }

/** What a form sent back for `name`, as text: `fallback` when it sent none or not one string. */
export function sentText(values: Record<string, unknown>, name: string, fallback = ''): string {
  const raw = values[name]
  return typeof raw === 'string' ? raw : fallback
}

/** What a form sent back for `name`, as a list (a single value is a list of one). */
export function sentList(values: Record<string, unknown>, name: string): string[] {
  const raw = values[name]
  return Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : []
}

// The label, hint and error above a control, and the attributes that tie them to it.
function parts(ctx: PageContext, errors: FieldErrors, name: string, label: string, hint?: string) {
  const id = `field-${name}`
  const described = describedBy(name, hint, errors)
  const head = html`<label for="${id}">${label}</label>
!${fieldHint(name, hint)}
!${fieldError(ctx, errors, name)}`
  const attributes = html`id="${id}" name="${name}" aria-invalid="${errors[name] ? 'true' : 'false'}" !${described ? html`aria-describedby="${described}"` : ''}`
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

/** One checkbox of a group: its own field name (or the group's) and value. */
export type CheckboxOption = { name: string; value: string; label: string; checked: boolean }

/** A fieldset of checkboxes with a legend, a hint and the group's error. */
export function checkboxGroup(
  ctx: PageContext,
  errors: FieldErrors,
  options: { name: string; legend: string; hint?: string; options: CheckboxOption[] },
): string {
  const id = `field-${options.name}`
  const described = describedBy(options.name, options.hint, errors)
  const boxes = options.options
    .map((option, i) => {
      const boxId = i === 0 ? id : `${id}-${i}`
      return html`<div class="checkbox"><input type="checkbox" id="${boxId}" name="${option.name}" value="${option.value}" !${option.checked ? 'checked' : ''}> <label for="${boxId}">${option.label}</label></div>`
    })
    .join('')
  return html`<fieldset !${described ? html`aria-describedby="${described}"` : ''}><legend>${options.legend}</legend>
!${fieldHint(options.name, options.hint)}
!${fieldError(ctx, errors, options.name)}
!${boxes}</fieldset>`
}
