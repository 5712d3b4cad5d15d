/** An event's history: every version with who, when and what changed, and a compare view of two. */
import { html } from 'ghtml'
import { layout, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { formatDateTime } from '../../../platform/i18n.ts'
import type { Term } from '../../../platform/vocabularies/terms.ts'
import type { Changes, RecordField, StaffEvent } from '../queries/event-record.ts'
import type { HistoryEntry } from '../queries/history.ts'
import { eventTitle } from './staff-event.ts'
import { type TermNames, termNames, valueText } from './staff-fields.ts'

const fieldName = (ctx: PageContext, field: string) => ctx.t(`chronicle.staff.fields.${field}`)

function changeList(ctx: PageContext, changes: Changes, names: TermNames): string {
  const items = (Object.entries(changes) as [RecordField, { from: unknown; to: unknown }][])
    .map(
      ([field, change]) =>
        html`<li><strong>${fieldName(ctx, field)}</strong>: ${valueText(ctx, field, change.from, names)} → ${valueText(ctx, field, change.to, names)}</li>`,
    )
    .join('')
  return html`<ul>!${items}</ul>`
}

/** Every version, newest first, with a form to pick two to compare. */
export function historyPage(
  ctx: PageContext,
  options: { event: StaffEvent; history: HistoryEntry[]; terms: Iterable<Term> },
): string {
  const { t, locale } = ctx
  const { event, history } = options
  const names = termNames(ctx, options.terms)
  const title = t('chronicle.staff.historyTitle', { title: eventTitle(ctx, event) })
  const versions = [...new Set(history.map((entry) => entry.version))]
  const newest = versions[0] ?? event.version
  const rows = history
    .map(
      (
        entry,
      ) => html`<tr><th scope="row">${entry.version}</th><td>${formatDateTime(entry.changedAt, locale)}</td>
<td>${entry.changedByName ?? '—'}</td><td>!${changeList(ctx, entry.changes, names)}</td>
<td>!${entry.version > 1 ? html`<a href="/staff/chronicle/events/${event.id}/compare?a=${entry.version - 1}&amp;b=${entry.version}">${t('chronicle.staff.compareWithPrevious')}</a>` : ''}</td></tr>`,
    )
    .join('')
  const options_ = (selected: number) =>
    versions
      .map(
        (version) =>
          html`<option value="${version}" ${version === selected ? 'selected' : ''}>${version}</option>`,
      )
      .join('')
  const compare =
    versions.length > 1
      ? html`<form class="stack" method="get" action="/staff/chronicle/events/${event.id}/compare">
<div><label for="field-a">${t('chronicle.staff.compareFrom')}</label><select id="field-a" name="a">!${options_(versions[1]!)}</select></div>
<div><label for="field-b">${t('chronicle.staff.compareTo')}</label><select id="field-b" name="b">!${options_(newest)}</select></div>
<p><button type="submit">${t('chronicle.staff.compare')}</button></p></form>`
      : ''
  const body = html`<h1>${title}</h1>
<p><a href="/staff/chronicle/events/${event.id}">${t('chronicle.staff.backToEvent')}</a></p>
!${compare}
!${
    rows
      ? scrollingTable(
          'history-caption',
          t('chronicle.staff.historyCaption', { count: history.length }),
          html`<thead><tr><th scope="col">${t('chronicle.staff.version')}</th><th scope="col">${t('chronicle.staff.when')}</th><th scope="col">${t('chronicle.staff.changedBy')}</th><th scope="col">${t('chronicle.staff.changes')}</th><th scope="col"><span class="visually-hidden">${t('chronicle.staff.compare')}</span></th></tr></thead>
<tbody>!${rows}</tbody>`,
        )
      : html`<p>${t('chronicle.staff.noHistory')}</p>`
  }`
  return layout(ctx, { title, body })
}

/** The fields that differ between two versions, side by side. */
export function comparePage(
  ctx: PageContext,
  options: { event: StaffEvent; a: number; b: number; changes: Changes; terms: Iterable<Term> },
): string {
  const { t } = ctx
  const names = termNames(ctx, options.terms)
  const { event, a, b } = options
  const title = t('chronicle.staff.compareTitle', { a, b })
  const rows = (Object.entries(options.changes) as [RecordField, { from: unknown; to: unknown }][])
    .map(
      ([field, change]) =>
        html`<tr><th scope="row">${fieldName(ctx, field)}</th><td>${valueText(ctx, field, change.from, names)}</td><td>${valueText(ctx, field, change.to, names)}</td></tr>`,
    )
    .join('')
  const body = html`<h1>${title}</h1>
<p>${eventTitle(ctx, event)} · <a href="/staff/chronicle/events/${event.id}/history">${t('chronicle.staff.history')}</a></p>
!${
    rows
      ? scrollingTable(
          'compare-caption',
          t('chronicle.staff.compareCaption', { a, b }),
          html`<thead><tr><th scope="col">${t('chronicle.staff.field')}</th><th scope="col">${t('chronicle.staff.versionN', { version: a })}</th><th scope="col">${t('chronicle.staff.versionN', { version: b })}</th></tr></thead>
<tbody>!${rows}</tbody>`,
        )
      : html`<p>${t('chronicle.staff.noDifference')}</p>`
  }`
  return layout(ctx, { title, body })
}
