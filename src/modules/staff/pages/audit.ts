/** The audit log page: filters as a GET form, a table, and an "older" link. */
import { html } from 'ghtml'
import { emptyState, pager } from '../../../platform/html/components.ts'
import { errorSummary, field } from '../../../platform/html/forms.ts'
import { layout, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { formatDateTime } from '../../../platform/i18n.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import { type AuditNames, actionLabel, detailWords, targetWords } from './audit-words.ts'

type Entry = {
  id: number
  at: Date
  action: string
  target: string | null
  detail: unknown
  email: string | null
}
type Filters = { action?: string; actor?: string; from?: string; to?: string }

/** Renders one page of the audit log. */
export function auditPage(
  ctx: PageContext,
  options: {
    entries: Entry[]
    nextBefore: number | null
    actions: string[]
    filters: Filters
    errors: FieldErrors
    /** Names of the members and desks the entries' ids point at. */
    names: AuditNames
  },
): string {
  const { t, locale } = ctx
  const { filters } = options
  const detail = (entry: Entry) => {
    const pairs = detailWords(t, locale, entry, options.names)
    return pairs.length
      ? html`<ul class="detail-list">!${pairs.map((pair) => html`<li>${pair.label}: ${pair.value}</li>`).join('')}</ul>`
      : ''
  }
  const rows = options.entries
    .map(
      (
        entry,
      ) => html`<tr><td class="nowrap">${formatDateTime(entry.at, locale)}</td><td>${entry.email ?? t('audit.system')}</td>
<td>${actionLabel(locale, entry.action)}</td><td>${targetWords(locale, entry.target, options.names)}</td><td>!${detail(entry)}</td></tr>`,
    )
    .join('')
  const params = new URLSearchParams(
    Object.entries(filters).filter(
      (pair): pair is [string, string] => typeof pair[1] === 'string' && pair[1] !== '',
    ),
  )
  if (options.nextBefore) params.set('before', String(options.nextBefore))
  const actionOptions = options.actions
    .map((action) => ({ action, label: actionLabel(locale, action) }))
    .sort((a, b) => a.label.localeCompare(b.label, locale))
    .map(
      ({ action, label }) =>
        html`<option value="${action}" ${filters.action === action ? 'selected' : ''}>${label}</option>`,
    )
    .join('')
  const body = html`<h1>${t('audit.title')}</h1>
!${errorSummary(ctx, options.errors, { from: t('audit.from'), to: t('audit.to') })}
<form class="filter-row" method="get" action="/staff/audit">
<div class="field"><label for="field-action">${t('audit.action')}</label>
<select id="field-action" name="action"><option value="">${t('audit.any')}</option>!${actionOptions}</select></div>
!${field(ctx, options.errors, { name: 'actor', label: t('audit.actor'), type: 'email', value: filters.actor })}
!${field(ctx, options.errors, { name: 'from', label: t('audit.from'), type: 'date', value: filters.from })}
!${field(ctx, options.errors, { name: 'to', label: t('audit.to'), type: 'date', value: filters.to })}
<div class="actions"><button type="submit" class="secondary">${t('audit.filter')}</button> <a href="/staff/audit">${t('audit.reset')}</a></div>
</form>
!${
    options.entries.length
      ? scrollingTable(
          'audit-caption',
          t('audit.caption'),
          html`<thead><tr><th scope="col">${t('audit.when')}</th><th scope="col">${t('audit.actor')}</th><th scope="col">${t('audit.action')}</th><th scope="col">${t('audit.target')}</th><th scope="col">${t('audit.detail')}</th></tr></thead>
<tbody>!${rows}</tbody>`,
          { compact: true },
        )
      : emptyState(t('audit.empty'))
  }
!${pager(t('audit.pages'), options.nextBefore ? { next: { href: `/staff/audit?${params.toString()}`, label: t('audit.older') } } : {})}`
  return layout(ctx, { title: t('audit.title'), body })
}
