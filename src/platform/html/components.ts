/**
 * The design system's pieces beyond form fields: tags, messages, empty states, disclosures,
 * breadcrumbs, pagination, card lists, summary lists and one-button forms. Each has one HTML shape,
 * styled by public/style.css and shown on /staff/styleguide; pages use these instead of writing
 * their own markup for the same thing. Text arguments are escaped; `…Html` arguments are fragments
 * already built with `html`.
 */
import { html } from 'ghtml'
import { csrfField, type PageContext } from './layout.ts'

/** A tag's tone: neutral by default. */
export type Tone = 'ok' | 'warn' | 'danger' | 'info'

/** A small status label ("New", "Urgent", "Published"). */
export function tag(text: string, tone?: Tone): string {
  return html`<span class="tag!${tone ? ` ${tone}` : ''}">${text}</span>`
}

/** A boxed message: `info` for what a reader should know, `warn` before a risk, `danger` for a failure. */
export function messageBox(
  tone: Tone,
  options: { title?: string; bodyHtml: string; role?: 'status' | 'alert' },
): string {
  return html`<div class="message ${tone}" !${options.role ? html`role="${options.role}"` : ''}>!${options.title ? html`<h2>${options.title}</h2>` : ''}!${options.bodyHtml}</div>`
}

/** What a list shows when it has nothing: what that means, and the one thing to do about it. */
export function emptyState(text: string, action?: { href: string; label: string }): string {
  return html`<div class="empty"><p>${text}</p>!${action ? html`<p><a href="${action.href}">${action.label}</a></p>` : ''}</div>`
}

/** Something opened on demand: the data table under a chart, a long explanation. */
export function disclosure(summary: string, bodyHtml: string, open = false): string {
  return html`<details class="disclosure" !${open ? 'open' : ''}><summary>${summary}</summary>!${bodyHtml}</details>`
}

/** Where a page sits: links up the way, the page itself last and unlinked. */
export function breadcrumbs(ctx: PageContext, items: { href?: string; label: string }[]): string {
  const entries = items
    .map((item, i) =>
      item.href && i < items.length - 1
        ? html`<li><a href="${item.href}">${item.label}</a></li>`
        : html`<li><span aria-current="page">${item.label}</span></li>`,
    )
    .join('')
  return html`<nav class="breadcrumbs" aria-label="${ctx.t('layout.breadcrumbs')}"><ol>!${entries}</ol></nav>`
}

/**
 * Links to the neighbouring pages of a long list. Lists are paged by keys (newer/older), not page
 * numbers, so a list that grows while someone reads it neither skips nor repeats an entry.
 */
export function pager(
  label: string,
  links: { previous?: { href: string; label: string }; next?: { href: string; label: string } },
): string {
  if (!links.previous && !links.next) return ''
  return html`<nav class="pager" aria-label="${label}">!${links.previous ? html`<a rel="prev" href="${links.previous.href}">${links.previous.label}</a>` : ''}!${links.next ? html`<a rel="next" href="${links.next.href}">${links.next.label}</a>` : ''}</nav>`
}

/** A compact list of results, one card per entry (each entry is a fragment built with `html`). */
export function cardList(entriesHtml: string[], label?: string): string {
  return html`<ol class="cards" !${label ? html`aria-label="${label}"` : ''}>!${entriesHtml.map((entry) => html`<li class="card">!${entry}</li>`).join('')}</ol>`
}

/** Pairs of a name and its value ("Status: New"), as a description list. */
export function summaryList(rows: { term: string; valueHtml: string }[]): string {
  return html`<dl class="summary">!${rows.map((row) => html`<dt>${row.term}</dt><dd>!${row.valueHtml}</dd>`).join('')}</dl>`
}

/** A row of buttons and links at the end of a form or section. */
export function actions(...itemsHtml: string[]): string {
  return html`<div class="actions">!${itemsHtml.filter(Boolean).join('')}</div>`
}

/**
 * A form of one button that posts to `action` (delete, close, revoke): with a `question` it asks it
 * first, on this page, since a confirm() dialog would need JavaScript. Hidden `fields` go with it.
 */
export function buttonForm(
  ctx: PageContext,
  options: {
    action: string
    label: string
    tone?: 'secondary' | 'danger'
    question?: string
    fields?: Record<string, string>
  },
): string {
  const hidden = Object.entries(options.fields ?? {})
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)
    .join('')
  return html`<form method="post" action="${options.action}" class="inline">!${csrfField(ctx)}!${hidden}!${options.question ? html`<p>${options.question}</p>` : ''}<button type="submit" !${options.tone ? html`class="${options.tone}"` : ''}>${options.label}</button></form>`
}
