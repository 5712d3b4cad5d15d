/** The staff list of events: filters as a GET form, a table, an "older" link, and an empty state. */
import { html } from 'ghtml'
import { emptyState, pager, type Tone, tag } from '../../../platform/html/components.ts'
import { errorSummary, inputField, selectField } from '../../../platform/html/forms.ts'
import { layout, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { formatDateTime } from '../../../platform/i18n.ts'
import { localisedText } from '../../../platform/localised.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import type { StaffListFilter, StaffListRow } from '../queries/staff-events.ts'
import { statuses } from '../schema/events.ts'
import { staffDateText } from './staff-fields.ts'

// How each status looks in the list: a disputed event stands out.
const statusTone: Record<string, Tone | undefined> = { reported: 'info', verified: 'ok', disputed: 'warn' }

/** One page of the staff list. */
export function staffListPage(
  ctx: PageContext,
  options: { rows: StaffListRow[]; nextBefore: number | null; filter: StaffListFilter; errors: FieldErrors },
): string {
  const { t, locale } = ctx
  const { filter } = options
  const rows = options.rows
    .map(
      (row) => html`<tr><td>${row.id}</td>
<th scope="row" class="grow"><a href="/staff/chronicle/events/${row.id}">${localisedText(row.title, locale) || t('chronicle.staff.untitled', { id: row.id })}</a></th>
<td>${localisedText(row.typeLabels, locale) || row.type || '—'}</td><td>${staffDateText(ctx, row.start_date, row.start_precision)}</td>
<td>${localisedText(row.regionLabels, locale) || row.region || localisedText(row.countryLabels, locale) || row.country || '—'}</td><td>!${tag(t(`chronicle.staff.status.${row.status}`), statusTone[row.status])}</td>
<td>!${row.published ? tag(t('chronicle.staff.yes'), 'ok') : tag(t('chronicle.staff.no'))}</td><td>${formatDateTime(row.updated_at, locale)}</td></tr>`,
    )
    .join('')
  const filtered = Boolean(filter.status || filter.published || filter.q || filter.before)
  const params = new URLSearchParams()
  for (const name of ['status', 'published', 'q'] as const)
    if (filter[name]) params.set(name, String(filter[name]))
  if (options.nextBefore) params.set('before', String(options.nextBefore))
  const statusOptions = [
    { value: '', label: t('chronicle.staff.any') },
    ...statuses.map((status) => ({ value: status, label: t(`chronicle.staff.status.${status}`) })),
  ]
  const publishedOptions = [
    { value: '', label: t('chronicle.staff.any') },
    { value: 'yes', label: t('chronicle.staff.publishedYes') },
    { value: 'no', label: t('chronicle.staff.publishedNo') },
  ]
  const body = html`<h1>${t('chronicle.staff.listTitle')}</h1>
<p><a class="button" href="/staff/chronicle/events/new">${t('chronicle.staff.newEvent')}</a></p>
!${errorSummary(ctx, options.errors, { q: t('chronicle.staff.search'), status: t('chronicle.staff.fields.status'), published: t('chronicle.staff.fields.published') })}
<form class="filter-row" method="get" action="/staff/chronicle" role="search">
!${inputField(ctx, options.errors, { name: 'q', label: t('chronicle.staff.search'), type: 'search', value: filter.q ?? '', hint: t('chronicle.staff.searchHint') })}
!${selectField(ctx, options.errors, { name: 'status', label: t('chronicle.staff.fields.status'), options: statusOptions, value: filter.status ?? '' })}
!${selectField(ctx, options.errors, { name: 'published', label: t('chronicle.staff.fields.published'), options: publishedOptions, value: filter.published ?? '' })}
<div class="actions"><button type="submit" class="secondary">${t('chronicle.staff.filter')}</button> <a href="/staff/chronicle">${t('chronicle.staff.reset')}</a></div>
</form>
!${
    rows
      ? scrollingTable(
          'list-caption',
          t('chronicle.staff.listCaption'),
          html`<thead><tr><th scope="col">${t('chronicle.staff.number')}</th><th scope="col">${t('chronicle.staff.fields.title')}</th><th scope="col">${t('chronicle.staff.fields.type')}</th>
<th scope="col">${t('chronicle.staff.fields.start_date')}</th><th scope="col">${t('chronicle.staff.where')}</th><th scope="col">${t('chronicle.staff.fields.status')}</th>
<th scope="col">${t('chronicle.staff.fields.published')}</th><th scope="col">${t('chronicle.staff.updated')}</th></tr></thead>
<tbody>!${rows}</tbody>`,
          { compact: true },
        )
      : filtered
        ? emptyState(t('chronicle.staff.emptyFiltered'))
        : emptyState(t('chronicle.staff.empty'))
  }
!${pager(t('chronicle.staff.pages'), options.nextBefore ? { next: { href: `/staff/chronicle?${params.toString()}`, label: t('chronicle.staff.older') } } : {})}`
  return layout(ctx, { title: t('chronicle.staff.listTitle'), body })
}
