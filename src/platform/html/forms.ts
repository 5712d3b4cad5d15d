/**
 * Accessible form pieces: inputs, selects and text areas with their labels, hints and errors tied to
 * them, and an error summary at the top.
 */
import { html } from 'ghtml'
import type { FieldErrors } from '../validation.ts'
import type { PageContext } from './layout.ts'

/**
 * The line under a label saying what is wrong with field `name`, or '' when nothing is. `id` is the
 * field's element id (`field-<name>` unless two forms on one page share a field name).
 */
export function fieldError(
  ctx: PageContext,
  errors: FieldErrors,
  name: string,
  id = `field-${name}`,
): string {
  const error = errors[name]
  return error ? html`<span class="field-error" id="${id}-error">${ctx.t(error)}</span>` : ''
}

/** The hint under field `name`'s label (tie it with `describedBy`), or '' without one. */
export function fieldHint(name: string, hint: string | undefined, id = `field-${name}`): string {
  return hint ? html`<span class="hint" id="${id}-hint">${hint}</span>` : ''
}

/** The ids of field `name`'s hint and error, for its `aria-describedby`; '' when it has neither. */
export function describedBy(
  name: string,
  hint: string | undefined,
  errors: FieldErrors,
  id = `field-${name}`,
): string {
  return [hint ? `${id}-hint` : '', errors[name] ? `${id}-error` : ''].filter(Boolean).join(' ')
}

// The wrapper of one field: marked when invalid, so the eye finds it after the error summary.
function fieldClass(errors: FieldErrors, name: string): string {
  return errors[name] ? 'field invalid' : 'field'
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
  return html`<div class="${fieldClass(errors, options.name)}">
<label for="${id}">${options.label}</label>
!${fieldHint(options.name, options.hint)}
!${fieldError(ctx, errors, options.name)}
<input id="${id}" name="${options.name}" type="${options.type ?? 'text'}" value="${options.type === 'password' ? '' : (options.value ?? '')}"
 autocomplete="${options.autocomplete ?? 'off'}" !${options.required ? 'required' : ''} !${options.inputmode ? html`inputmode="${options.inputmode}"` : ''}
 !${options.maxlength ? html`maxlength="${options.maxlength}"` : ''} aria-invalid="${error ? 'true' : 'false'}" !${described ? html`aria-describedby="${described}"` : ''}>
</div>`
}

/**
 * The box at the top of a form listing what is wrong, each linked to its field. `prefix` is the
 * element-id prefix of the form's fields when it is not `field-` (two forms on one page).
 */
export function errorSummary(
  ctx: PageContext,
  errors: FieldErrors,
  labels: Record<string, string>,
  prefix = 'field-',
): string {
  const entries = Object.entries(errors)
  if (!entries.length) return ''
  const items = entries
    .map(([name, key]) =>
      name === '_form'
        ? html`<li>${ctx.t(key)}</li>`
        : html`<li><a href="#${prefix}${name}">${labels[name] ?? name}: ${ctx.t(key)}</a></li>`,
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
  return html`<div class="${fieldClass(errors, options.name)}">!${head}<select !${attributes}>!${items}</select></div>`
}

/** A labelled text area. */
export function textareaField(
  ctx: PageContext,
  errors: FieldErrors,
  options: { name: string; label: string; value: string; hint?: string; rows?: number; lang?: string },
): string {
  const { head, attributes } = parts(ctx, errors, options.name, options.label, options.hint)
  return html`<div class="${fieldClass(errors, options.name)}">!${head}<textarea !${attributes} rows="${options.rows ?? 4}" !${options.lang ? html`lang="${options.lang}"` : ''}>${options.value}</textarea></div>`
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
  return html`<div class="${fieldClass(errors, options.name)}">!${head}<input !${attributes} type="${options.type ?? 'text'}" value="${options.value}" autocomplete="off"
 !${options.lang ? html`lang="${options.lang}"` : ''} !${options.inputmode ? html`inputmode="${options.inputmode}"` : ''}></div>`
}

/** One checkbox of a group: its own field name (or the group's) and value. */
export type CheckboxOption = { name: string; value: string; label: string; checked: boolean; hint?: string }

// One checkbox or radio with its label beside it (and its own hint under the label, if any).
function choice(
  type: 'checkbox' | 'radio',
  id: string,
  option: { name: string; value: string; label: string; checked: boolean; hint?: string },
): string {
  const hint = option.hint ? html`<span class="hint" id="${id}-hint">${option.hint}</span>` : ''
  return html`<div class="choice"><input type="${type}" id="${id}" name="${option.name}" value="${option.value}" !${option.checked ? 'checked' : ''} !${option.hint ? html`aria-describedby="${id}-hint"` : ''}><span><label for="${id}">${option.label}</label>!${hint}</span></div>`
}

/** What a group of checkboxes or radios is: its field, legend and hint; `id` and `columns` as below. */
export type ChoiceGroup = { name: string; legend: string; hint?: string; id?: string; columns?: boolean }

// A fieldset of choices with its legend, hint and error; the first box carries the field's id, so
// the error summary's link lands on it.
function choiceGroup(
  ctx: PageContext,
  errors: FieldErrors,
  type: 'checkbox' | 'radio',
  options: ChoiceGroup,
  items: { name: string; value: string; label: string; checked: boolean; hint?: string }[],
): string {
  const id = options.id ?? `field-${options.name}`
  const described = describedBy(options.name, options.hint, errors, id)
  const boxes = items.map((item, i) => choice(type, i === 0 ? id : `${id}-${i}`, item)).join('')
  return html`<fieldset class="${fieldClass(errors, options.name)}" !${described ? html`aria-describedby="${described}"` : ''}><legend>${options.legend}</legend>
!${fieldHint(options.name, options.hint, id)}
!${fieldError(ctx, errors, options.name, id)}
<div class="choices!${options.columns ? ' columns' : ''}">!${boxes}</div></fieldset>`
}

/**
 * A fieldset of checkboxes with a legend, a hint and the group's error, each box inline with its
 * label. `id` is the base of its element ids when another form on the page has a field of this name;
 * `columns` lays a long list out in columns on wide screens.
 */
export function checkboxGroup(
  ctx: PageContext,
  errors: FieldErrors,
  options: ChoiceGroup & { options: CheckboxOption[] },
): string {
  return choiceGroup(ctx, errors, 'checkbox', options, options.options)
}

/** A fieldset of radio buttons, one of `options` chosen (`value`), each inline with its label. */
export function radioGroup(
  ctx: PageContext,
  errors: FieldErrors,
  options: ChoiceGroup & { options: (Option & { hint?: string })[]; value: string },
): string {
  const items = options.options.map((option) => ({
    ...option,
    name: options.name,
    checked: option.value === options.value,
  }))
  return choiceGroup(ctx, errors, 'radio', options, items)
}

/** One checkbox standing alone (a yes/no question), inline with its label, with its hint and error. */
export function checkboxField(
  ctx: PageContext,
  errors: FieldErrors,
  options: { name: string; label: string; checked: boolean; value?: string; hint?: string },
): string {
  const id = `field-${options.name}`
  const described = describedBy(options.name, options.hint, errors)
  return html`<div class="${fieldClass(errors, options.name)}">!${fieldError(ctx, errors, options.name)}<div class="choice"><input type="checkbox" id="${id}" name="${options.name}" value="${options.value ?? '1'}" !${options.checked ? 'checked' : ''} !${described ? html`aria-describedby="${described}"` : ''}><span><label for="${id}">${options.label}</label>!${fieldHint(options.name, options.hint)}</span></div></div>`
}

/** A labelled file input; nothing chosen is ever sent back, so it has no value. */
export function fileField(
  ctx: PageContext,
  errors: FieldErrors,
  options: {
    name: string
    label: string
    hint?: string
    accept?: string
    multiple?: boolean
    required?: boolean
  },
): string {
  const { head, attributes } = parts(ctx, errors, options.name, options.label, options.hint)
  return html`<div class="${fieldClass(errors, options.name)}">!${head}<input !${attributes} type="file" !${options.accept ? html`accept="${options.accept}"` : ''} !${options.multiple ? 'multiple' : ''} !${options.required ? 'required' : ''}></div>`
}
