/**
 * The pieces of pages about editable texts, for the module that owns the text to place in its own
 * pages: the edit form (a title and a Markdown body per language), the conflict warning with the
 * editor's words kept, the history (each version: who, when, each changed field before and after),
 * and the text itself, as a page's article or as a boxed block inside another page.
 */
import { html } from 'ghtml'
import type { ChangeSince } from '../history/versions.ts'
import { cardList, disclosure, messageBox, summaryList } from '../html/components.ts'
import { errorSummary, inputField, sentText, textareaField } from '../html/forms.ts'
import { csrfField, type PageContext } from '../html/layout.ts'
import { scrollingTable } from '../html/tables.ts'
import { formatDateTime, type Locale, localeNames, locales } from '../i18n.ts'
import type { FieldErrors } from '../validation.ts'
import { renderMarkdown } from './markdown.ts'
import { type EditableText, type TextField, type TextHistoryEntry, textFields, textToShow } from './texts.ts'

/** A field's name as pages show it: "Title (English)". */
export function textFieldName(ctx: PageContext, field: TextField): string {
  const [part, locale] = field.split('_') as ['title' | 'body', Locale]
  return ctx.t(`texts.${part}`, { language: localeNames[locale] })
}

function fieldNames(ctx: PageContext): Record<string, string> {
  return Object.fromEntries([
    ...textFields.map((field) => [field, textFieldName(ctx, field)]),
    ['version', ctx.t('texts.version')],
  ])
}

/** The edit form: per language a title and a Markdown body, and the version it edits (hidden). */
export function textEditForm(
  ctx: PageContext,
  form: {
    action: string
    version: number
    values: Record<string, unknown>
    errors: FieldErrors
    submit?: string
  },
): string {
  const { t } = ctx
  const languages = locales
    .map(
      (locale) => html`<fieldset lang="${locale}"><legend>${localeNames[locale]}</legend>
!${inputField(ctx, form.errors, { name: `title_${locale}`, label: textFieldName(ctx, `title_${locale}`), value: sentText(form.values, `title_${locale}`), lang: locale })}
!${textareaField(ctx, form.errors, { name: `body_${locale}`, label: textFieldName(ctx, `body_${locale}`), hint: t('texts.markdownHint'), value: sentText(form.values, `body_${locale}`), rows: 14, lang: locale })}
</fieldset>`,
    )
    .join('')
  return html`!${errorSummary(ctx, form.errors, fieldNames(ctx))}
<form class="stack" method="post" action="${form.action}" novalidate>!${csrfField(ctx)}
<input type="hidden" name="version" value="${form.version}">
<p class="hint">${t('texts.languagesHint')}</p>
!${languages}
<p><button type="submit">${form.submit ?? t('texts.save')}</button></p>
</form>`
}

// A stored value as the history shows it: the text as typed, or a word for an empty one.
function valueText(ctx: PageContext, value: unknown): string {
  return typeof value === 'string' && value
    ? html`<span class="text">${value}</span>`
    : html`<em>${ctx.t('texts.emptyValue')}</em>`
}

/**
 * The warning when someone saved the text after the editor opened it: what changed since (then, now,
 * and who), and the editor's words again in a form carrying the newest version, so saving over the
 * other edit is a deliberate second step. Nothing typed is lost.
 */
export function textConflict(
  ctx: PageContext,
  view: {
    action: string
    current: EditableText
    baseVersion: number
    changes: ChangeSince<TextField>[]
    values: Record<string, unknown>
  },
): string {
  const { t } = ctx
  const rows = view.changes
    .map(
      (change) => html`<tr><th scope="row">${textFieldName(ctx, change.field)}</th>
<td>!${valueText(ctx, change.from)}</td><td>!${valueText(ctx, change.to)}</td><td>${change.by.join(', ')}</td></tr>`,
    )
    .join('')
  const table = rows
    ? scrollingTable(
        'conflict-caption',
        t('texts.conflictCaption', { from: view.baseVersion, to: view.current.version }),
        html`<thead><tr><th scope="col">${t('texts.field')}</th><th scope="col">${t('texts.whenOpened')}</th><th scope="col">${t('texts.now')}</th><th scope="col">${t('texts.changedBy')}</th></tr></thead>
<tbody>!${rows}</tbody>`,
      )
    : ''
  return html`<div class="error-summary" role="alert"><h2>${t('texts.conflictTitle')}</h2><p>${t('texts.conflictIntro', { base: view.baseVersion, version: view.current.version })}</p></div>
!${table}
!${textEditForm(ctx, { action: view.action, version: view.current.version, values: view.values, errors: {}, submit: t('texts.conflictSave') })}`
}

// Each changed field, opened on demand (a body can be long): before and after.
function changeList(ctx: PageContext, entry: TextHistoryEntry): string {
  const { t } = ctx
  return textFields
    .filter((field) => entry.changes[field])
    .map((field) => {
      const change = entry.changes[field]!
      return disclosure(
        textFieldName(ctx, field),
        summaryList([
          { term: t('texts.before'), valueHtml: valueText(ctx, change.from) },
          { term: t('texts.after'), valueHtml: valueText(ctx, change.to) },
        ]),
      )
    })
    .join('')
}

/** Every version, newest first: its number, when, who, and each changed field before and after. */
export function textHistoryList(ctx: PageContext, history: TextHistoryEntry[]): string {
  const { t, locale } = ctx
  if (!history.length) return html`<p>${t('texts.noHistory')}</p>`
  const entries = history.map(
    (entry) => html`<h2>${t('texts.versionN', { version: entry.version })}</h2>
<p class="meta">${formatDateTime(entry.changedAt, locale)} · ${entry.changedByName ?? t(entry.changedBy ? 'texts.formerMember' : 'texts.bySite')}</p>
!${changeList(ctx, entry)}`,
  )
  return cardList(entries, t('texts.historyCaption', { count: history.length }))
}

/**
 * A text as the body of a page of its own: its title as the page's heading and its body below, in an
 * `article.guide` (which the print stylesheet fits on one sheet). '' when the text is empty.
 */
export function textArticle(ctx: PageContext, text: EditableText | undefined, fallbackTitle: string): string {
  const shown = textToShow(text, ctx.locale)
  if (!shown) return ''
  return html`<article class="guide" lang="${shown.lang}"><h1>${shown.title || fallbackTitle}</h1>
!${renderMarkdown(shown.body)}</article>`
}

/** A text as a boxed block inside another page (contacts, a reply time); '' when it is empty. */
export function textBlock(ctx: PageContext, text: EditableText | undefined): string {
  const shown = textToShow(text, ctx.locale)
  if (!shown) return ''
  const body = html`<div lang="${shown.lang}">!${renderMarkdown(shown.body)}</div>`
  return messageBox('info', { ...(shown.title ? { title: shown.title } : {}), bodyHtml: body })
}
