/** The reply templates' editor: the list, a form per template, and the question before deleting one. */
import { html } from 'ghtml'
import { errorSummary, inputField, sentText, textareaField } from '../../../platform/html/forms.ts'
import { csrfField, layout, noticeLine, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { localeNames, locales } from '../../../platform/i18n.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import { inLanguage, type Template } from '../queries/templates.ts'
import { deskBase } from './desk.ts'

/** Where the editor lives. */
export const templatesBase = `${deskBase}/templates`

/** A template form's values and errors. */
export type TemplateFormState = { values: Record<string, unknown>; errors: FieldErrors }

/** A template's fields as the form shows them. */
export function templateValues(template: Template): Record<string, string> {
  const values: Record<string, string> = { code: template.code }
  for (const locale of locales) {
    values[`title_${locale}`] = template.titles[locale] ?? ''
    values[`body_${locale}`] = template.bodies[locale] ?? ''
  }
  return values
}

function labels(ctx: PageContext): Record<string, string> {
  const { t } = ctx
  const named: Record<string, string> = { code: t('helpdesk.templates.code') }
  for (const locale of locales) {
    named[`title_${locale}`] = t('helpdesk.templates.title', { language: localeNames[locale] })
    named[`body_${locale}`] = t('helpdesk.templates.body', { language: localeNames[locale] })
  }
  return named
}

function templateForm(ctx: PageContext, action: string, form: TemplateFormState, submit: string): string {
  const { t } = ctx
  const named = labels(ctx)
  const languages = locales
    .map(
      (locale) => html`<fieldset lang="${locale}"><legend>${localeNames[locale]}</legend>
!${inputField(ctx, form.errors, { name: `title_${locale}`, label: named[`title_${locale}`]!, value: sentText(form.values, `title_${locale}`), lang: locale })}
!${textareaField(ctx, form.errors, { name: `body_${locale}`, label: named[`body_${locale}`]!, value: sentText(form.values, `body_${locale}`), rows: 6, lang: locale })}
</fieldset>`,
    )
    .join('')
  return html`!${errorSummary(ctx, form.errors, named)}
<form class="stack" method="post" action="${action}" novalidate>!${csrfField(ctx)}
!${inputField(ctx, form.errors, { name: 'code', label: named.code!, hint: t('helpdesk.templates.codeHint'), value: sentText(form.values, 'code') })}
<p class="hint">${t('helpdesk.templates.languagesHint')}</p>
!${languages}
<button type="submit">${submit}</button>
</form>`
}

/** Every template, and a form to add one. */
export function templatesPage(
  ctx: PageContext,
  view: { templates: Template[]; form: TemplateFormState; notice?: string },
): string {
  const { t, locale } = ctx
  const rows = view.templates
    .map(
      (template) =>
        html`<tr><td><a href="${templatesBase}/${template.id}">${inLanguage(template.titles, [locale]) || template.code}</a></td><td><code>${template.code}</code></td><td>${locales
          .filter((code) => template.titles[code])
          .map((code) => localeNames[code])
          .join(', ')}</td></tr>`,
    )
    .join('')
  const list = view.templates.length
    ? scrollingTable(
        'templates-caption',
        t('helpdesk.templates.listCaption'),
        html`<thead><tr><th scope="col">${t('helpdesk.templates.name')}</th><th scope="col">${t('helpdesk.templates.code')}</th><th scope="col">${t('helpdesk.templates.languages')}</th></tr></thead><tbody>!${rows}</tbody>`,
      )
    : html`<p>${t('helpdesk.templates.none')}</p>`
  return layout(ctx, {
    title: t('helpdesk.templates.heading'),
    body: html`<h1>${t('helpdesk.templates.heading')}</h1>
!${noticeLine(view.notice)}
<p>${t('helpdesk.templates.intro')}</p>
!${list}
<h2>${t('helpdesk.templates.addHeading')}</h2>
!${templateForm(ctx, templatesBase, view.form, t('helpdesk.templates.add'))}`,
  })
}

/** One template's form, and the way to delete it. */
export function templatePage(
  ctx: PageContext,
  view: { template: Template; form: TemplateFormState },
): string {
  const { t } = ctx
  const path = `${templatesBase}/${view.template.id}`
  return layout(ctx, {
    title: t('helpdesk.templates.editHeading'),
    narrow: true,
    body: html`<p><a href="${templatesBase}">${t('helpdesk.templates.back')}</a></p>
<h1>${t('helpdesk.templates.editHeading')}</h1>
!${templateForm(ctx, path, view.form, t('helpdesk.templates.save'))}
<p><a href="${path}/delete">${t('helpdesk.templates.delete')}</a></p>`,
  })
}

/** The question before a template is deleted. */
export function confirmDeletePage(ctx: PageContext, template: Template): string {
  const { t, locale } = ctx
  const path = `${templatesBase}/${template.id}`
  return layout(ctx, {
    title: t('helpdesk.templates.deleteTitle'),
    narrow: true,
    body: html`<h1>${t('helpdesk.templates.deleteTitle')}</h1>
<p>${t('helpdesk.templates.deleteText', { name: inLanguage(template.titles, [locale]) || template.code })}</p>
<form method="post" action="${path}/delete">!${csrfField(ctx)}<button type="submit" class="danger">${t('helpdesk.templates.deleteConfirm')}</button></form>
<p><a href="${path}">${t('helpdesk.templates.cancel')}</a></p>`,
  })
}
