/** Accessible form pieces: labels, hints, errors tied to their fields, an error summary at the top. */
import { html } from 'ghtml'
import type { FieldErrors } from '../validation.ts'
import type { PageContext } from './layout.ts'

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
  const describedBy = [options.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ')
  // Hints sit outside the label: tied by aria-describedby, they are read once, after the name.
  // Fragments built with `html` go in with `!${…}`; with `${…}` they would be escaped into text.
  return html`<div>
<label for="${id}">${options.label}</label>
!${options.hint ? html`<span class="hint" id="${id}-hint">${options.hint}</span>` : ''}
!${error ? html`<span class="field-error" id="${id}-error">${ctx.t(error)}</span>` : ''}
<input id="${id}" name="${options.name}" type="${options.type ?? 'text'}" value="${options.type === 'password' ? '' : (options.value ?? '')}"
 autocomplete="${options.autocomplete ?? 'off'}" !${options.required ? 'required' : ''} !${options.inputmode ? html`inputmode="${options.inputmode}"` : ''}
 !${options.maxlength ? html`maxlength="${options.maxlength}"` : ''} aria-invalid="${error ? 'true' : 'false'}" !${describedBy ? html`aria-describedby="${describedBy}"` : ''}>
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
