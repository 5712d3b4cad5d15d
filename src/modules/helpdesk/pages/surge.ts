/** The surge view: reports likely about the same detention, to be joined and given to one lawyer. */
import { html } from 'ghtml'
import type { Option } from '../../../platform/html/forms.ts'
import { csrfField, layout, noticeLine, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { formatDateTime } from '../../../platform/i18n.ts'
import { ASSIGN_HELPDESK } from '../policy.ts'
import type { SurgeGroup } from '../queries/surge.ts'
import { age, deskBase } from './desk.ts'

/** What the surge page shows. */
export type SurgeView = { hours: number; groups: SurgeGroup[]; workers: Option[]; notice?: string }

// Each group has its own form to give it to someone, so its select has the group's id: the platform's
// selectField names the element after the field, and one page holds a form per group.
function assigneeSelect(id: string, label: string, options: Option[]): string {
  const items = options
    .map((option) => html`<option value="${option.value}">${option.label}</option>`)
    .join('')
  return html`<div><label for="${id}">${label}</label><select id="${id}" name="assignee">!${items}</select></div>`
}

function groupSection(ctx: PageContext, group: SurgeGroup, index: number, workers: Option[]): string {
  const { t, locale } = ctx
  const rows = group.reports
    .map(
      (
        report,
      ) => html`<tr><th scope="row"><a href="${deskBase}/reports/${report.id}">${formatDateTime(report.receivedAt, locale)}</a></th>
<td>${age(ctx, report.receivedAt)}</td><td>${report.people ?? '—'}</td><td>${t(`helpdesk.desk.statuses.${report.status}`)}</td><td>${report.assigneeName ?? t('helpdesk.desk.nobody')}</td></tr>`,
    )
    .join('')
  const first = group.reports[0]!.id
  const join = group.joined
    ? ''
    : html`<form method="post" action="${deskBase}/surge/join">!${csrfField(ctx)}
!${group.reports.map((report) => html`<input type="hidden" name="report" value="${report.id}">`).join('')}
<button type="submit">${t('helpdesk.surge.join', { count: group.reports.length })}</button></form>`
  const give = !group.joined
    ? ''
    : ctx.staff?.can(ASSIGN_HELPDESK)
      ? html`<form class="stack" method="post" action="${deskBase}/reports/${first}/assign">!${csrfField(ctx)}
!${assigneeSelect(`group-${index}-assignee`, t('helpdesk.surge.assignAll'), [{ value: '', label: t('helpdesk.desk.nobody') }, ...workers])}
<button type="submit">${t('helpdesk.desk.assign')}</button></form>`
      : html`<form method="post" action="${deskBase}/reports/${first}/claim">!${csrfField(ctx)}<button type="submit">${t('helpdesk.surge.takeAll')}</button></form>`
  return html`<section aria-labelledby="group-${index}">
<h2 id="group-${index}">${group.station || t('helpdesk.surge.noStation')}: ${t('helpdesk.surge.reports', { count: group.reports.length })}</h2>
<p>${t('helpdesk.surge.span', { from: formatDateTime(group.from, locale), to: formatDateTime(group.to, locale) })}!${group.joined ? html` <span class="badge">${t('helpdesk.desk.grouped')}</span>` : ''}</p>
!${scrollingTable(
    `group-${index}-caption`,
    t('helpdesk.surge.caption'),
    html`<thead><tr><th scope="col">${t('helpdesk.desk.received')}</th><th scope="col">${t('helpdesk.desk.age')}</th><th scope="col">${t('helpdesk.surge.people')}</th><th scope="col">${t('helpdesk.desk.status')}</th><th scope="col">${t('helpdesk.desk.assignee')}</th></tr></thead><tbody>!${rows}</tbody>`,
  )}
!${join}!${give}
</section>`
}

/** The surge page. */
export function surgePage(ctx: PageContext, view: SurgeView): string {
  const { t } = ctx
  return layout(ctx, {
    title: t('helpdesk.surge.title'),
    body: html`<h1>${t('helpdesk.surge.title')}</h1>
!${noticeLine(view.notice)}
<p>${t('helpdesk.surge.intro', { hours: view.hours })}</p>
!${view.groups.length ? view.groups.map((group, i) => groupSection(ctx, group, i, view.workers)).join('') : html`<p>${t('helpdesk.surge.empty')}</p>`}
<p><a href="${deskBase}">${t('helpdesk.desk.backToQueue')}</a></p>`,
  })
}
