/**
 * The page an editor sees when someone saved the event after they opened it: what changed since,
 * field by field (then, now, and what they typed), and their values again in a form that carries the
 * newest version, so saving over the other edit is a deliberate second step.
 */
import { html } from 'ghtml'
import type { Option } from '../../../platform/html/forms.ts'
import { csrfField, layout, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import type { Term } from '../../../platform/vocabularies/terms.ts'
import type { EventRecord, StaffEvent } from '../queries/event-record.ts'
import type { ChangeSince } from '../queries/history.ts'
import { eventFields, type TermOption } from './staff-event-form.ts'
import { termNames, valueText } from './staff-fields.ts'

/** The conflict warning with the editor's values ready to re-apply. */
export function conflictPage(
  ctx: PageContext,
  options: {
    current: StaffEvent
    baseVersion: number
    changes: ChangeSince[]
    mine: Partial<EventRecord>
    values: Record<string, string>
    types: TermOption[]
    regions: TermOption[]
    countries?: Option[]
    /** Every term, for the names of the types and regions shown. */
    terms: Iterable<Term>
  },
): string {
  const { t } = ctx
  const { current } = options
  const names = termNames(ctx, options.terms)
  const rows = options.changes
    .map((change) => {
      const mine =
        change.field in options.mine
          ? valueText(ctx, change.field, options.mine[change.field], names)
          : t('chronicle.staff.notInForm')
      return html`<tr><th scope="row">${t(`chronicle.staff.fields.${change.field}`)}</th>
<td>${valueText(ctx, change.field, change.from, names)}</td><td>${valueText(ctx, change.field, change.to, names)}</td>
<td>${mine}</td><td>${change.by.join(', ')}</td></tr>`
    })
    .join('')
  const table = rows
    ? scrollingTable(
        'conflict-caption',
        t('chronicle.staff.conflictCaption', { from: options.baseVersion, to: current.version }),
        html`<thead><tr><th scope="col">${t('chronicle.staff.field')}</th><th scope="col">${t('chronicle.staff.whenOpened')}</th><th scope="col">${t('chronicle.staff.now')}</th><th scope="col">${t('chronicle.staff.yours')}</th><th scope="col">${t('chronicle.staff.changedBy')}</th></tr></thead>
<tbody>!${rows}</tbody>`,
      )
    : html`<p>${t('chronicle.staff.conflictNoDetail')}</p>`
  const body = html`<h1>${t('chronicle.staff.conflictTitle')}</h1>
<div class="error-summary" role="alert"><p>${t('chronicle.staff.conflictIntro', { id: current.id })}</p></div>
!${table}
<h2>${t('chronicle.staff.conflictChoose')}</h2>
<p><a class="button secondary" href="/staff/chronicle/events/${current.id}">${t('chronicle.staff.conflictDiscard')}</a></p>
<p>${t('chronicle.staff.conflictReapplyHint')}</p>
<form class="stack" method="post" action="/staff/chronicle/events/${current.id}?_method=PUT" novalidate>
!${csrfField(ctx)}
<input type="hidden" name="version" value="${current.version}">
!${eventFields(ctx, { values: options.values, errors: {}, types: options.types, regions: options.regions, countries: options.countries })}
<p><button type="submit" class="danger">${t('chronicle.staff.conflictReapply')}</button></p>
</form>`
  return layout(ctx, { title: t('chronicle.staff.conflictTitle'), body, narrow: true })
}
