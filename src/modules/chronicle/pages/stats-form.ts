/** The statistics filter form: a plain GET form, so every view has a link of its own. */
import { html } from 'ghtml'
import { describedBy, fieldError, fieldHint } from '../../../platform/html/forms.ts'
import type { PageContext } from '../../../platform/html/layout.ts'
import type { FieldErrors } from '../../../platform/validation.ts'

/** A term the form can offer. */
export type Option = { code: string; label: string }

/** What the form shows: the values as sent (valid or not), errors, and the terms to choose from. */
export type StatsFormInput = {
  values: Record<string, string[]>
  errors: FieldErrors
  options: { type: Option[]; region: Option[]; country: Option[]; article: Option[] }
}

/** Query values as lists of strings, whatever shape they arrived in (hostile queries included). */
export function queryValues(query: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  if (!query || typeof query !== 'object') return out
  for (const [key, value] of Object.entries(query)) {
    const list = Array.isArray(value) ? value : [value]
    out[key] = list
      .filter((item): item is string => typeof item === 'string')
      .map((item) => item.slice(0, 200))
  }
  return out
}

function input(
  ctx: PageContext,
  form: StatsFormInput,
  name: string,
  options: { hint?: string; type?: string } = {},
) {
  const { t } = ctx
  const invalid = Boolean(form.errors[name])
  const described = describedBy(name, options.hint, form.errors)
  return html`<div><label for="field-${name}">${t(`chronicle.stats.form.${name}`)}</label>
!${fieldHint(name, options.hint)}
!${fieldError(ctx, form.errors, name)}
<input id="field-${name}" name="${name}" type="${options.type ?? 'text'}" value="${form.values[name]?.[0] ?? ''}" maxlength="200"
 aria-invalid="${invalid ? 'true' : 'false'}" !${described ? html`aria-describedby="${described}"` : ''}></div>`
}

function select(ctx: PageContext, form: StatsFormInput, name: 'type' | 'region' | 'country' | 'article') {
  const chosen = new Set(form.values[name] ?? [])
  const invalid = Boolean(form.errors[name])
  const items = form.options[name].map(
    (option) =>
      html`<option value="${option.code}" !${chosen.has(option.code) ? 'selected' : ''}>${option.label}</option>`,
  )
  return html`<div><label for="field-${name}">${ctx.t(`chronicle.stats.form.${name}`)}</label>
!${fieldHint(name, ctx.t('chronicle.stats.form.manyHint'))}
!${fieldError(ctx, form.errors, name)}
<select id="field-${name}" name="${name}" multiple size="5" aria-invalid="${invalid ? 'true' : 'false'}" aria-describedby="field-${name}-hint${invalid ? ` field-${name}-error` : ''}">!${items.join('')}</select></div>`
}

function checks(
  ctx: PageContext,
  form: StatsFormInput,
  name: 'status' | 'measure',
  values: string[],
  type: 'checkbox' | 'radio',
) {
  const chosen = new Set(form.values[name] ?? (type === 'radio' ? [values[0]!] : []))
  const items = values.map(
    (value) =>
      html`<label><input type="${type}" name="${name}" value="${value}" !${chosen.has(value) ? 'checked' : ''}> ${ctx.t(`chronicle.stats.form.${name}Values.${value}`)}</label>`,
  )
  return html`<fieldset class="checks" id="field-${name}"><legend>${ctx.t(`chronicle.stats.form.${name}`)}</legend>!${fieldError(ctx, form.errors, name)}!${items.join('')}</fieldset>`
}

/** The filter form. */
export function statsForm(ctx: PageContext, form: StatsFormInput): string {
  const { t } = ctx
  const dateHint = t('chronicle.stats.form.dateHint')
  return html`<form class="stack" method="get" action="/chronicle/stats" aria-labelledby="stats-filter">
!${input(ctx, form, 'q', { type: 'search' })}
!${select(ctx, form, 'type')}
!${select(ctx, form, 'country')}
!${select(ctx, form, 'region')}
!${select(ctx, form, 'article')}
!${checks(ctx, form, 'status', ['verified', 'disputed'], 'checkbox')}
!${input(ctx, form, 'from', { hint: dateHint })}
!${input(ctx, form, 'to', { hint: dateHint })}
!${checks(ctx, form, 'measure', ['events', 'detained'], 'radio')}
<p><button class="button" type="submit">${t('chronicle.stats.form.submit')}</button> <a href="/chronicle/stats">${t('chronicle.stats.form.reset')}</a></p>
</form>`
}

/** Field name → label, for the error summary. */
export function statsFormLabels(ctx: PageContext): Record<string, string> {
  const names = ['q', 'type', 'country', 'region', 'article', 'status', 'from', 'to', 'measure']
  return Object.fromEntries(names.map((name) => [name, ctx.t(`chronicle.stats.form.${name}`)]))
}
