/** The public counts page and the coordinators' list of what retention will delete. */
import { html } from 'ghtml'
import { csrfField, layout, noticeLine, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { formatDateTime, formatDay, formatNumber } from '../../../platform/i18n.ts'
import { COUNT_ROUNDING, type ShownCount, SMALLEST_SHOWN } from '../../../platform/intake/small-counts.ts'
import type { DueReport } from '../queries/retention.ts'
import { KEEP_DAYS } from '../schema.ts'
import { deskBase } from './desk.ts'

// A hidden count says what it hides: "1–4" (queries/counts.ts, platform/intake/small-counts.ts).
function count(ctx: PageContext, value: ShownCount): string {
  return value === null
    ? ctx.t('helpdesk.counts.hidden', { below: SMALLEST_SHOWN - 1 })
    : formatNumber(value, ctx.locale)
}

/** Reports received and people helped, by day and by region, and the periods they cover. */
export function countsPage(
  ctx: PageContext,
  view: {
    firstDay: string
    lastDay: string
    regionsThrough: string
    byDay: { day: string; received: ShownCount; helped: ShownCount }[]
    byRegion: { name: string; received: ShownCount; helped: ShownCount }[]
  },
): string {
  const { t } = ctx
  const head = html`<th scope="col" class="num">${t('helpdesk.counts.received')}</th><th scope="col" class="num">${t('helpdesk.counts.helped')}</th>`
  const days = view.byDay
    .map(
      (row) =>
        html`<tr><th scope="row"><time datetime="${row.day}">${formatDay(row.day, ctx.locale)}</time></th><td class="num">${count(ctx, row.received)}</td><td class="num">${count(ctx, row.helped)}</td></tr>`,
    )
    .join('')
  const regions = view.byRegion
    .map(
      (row) =>
        html`<tr><th scope="row">${row.name}</th><td class="num">${count(ctx, row.received)}</td><td class="num">${count(ctx, row.helped)}</td></tr>`,
    )
    .join('')
  return layout(ctx, {
    title: t('helpdesk.counts.title'),
    narrow: true,
    body: html`<h1>${t('helpdesk.counts.title')}</h1>
<p>${t('helpdesk.counts.intro', { n: SMALLEST_SHOWN, below: SMALLEST_SHOWN - 1, rounding: COUNT_ROUNDING })}</p>
<h2>${t('helpdesk.counts.byDay', { from: formatDay(view.firstDay, ctx.locale), through: formatDay(view.lastDay, ctx.locale) })}</h2>
!${days ? scrollingTable('days-caption', t('helpdesk.counts.byDayCaption'), html`<thead><tr><th scope="col">${t('helpdesk.counts.day')}</th>!${head}</tr></thead><tbody>!${days}</tbody>`) : html`<p>${t('helpdesk.counts.none')}</p>`}
<h2>${t('helpdesk.counts.byRegion', { through: formatDay(view.regionsThrough, ctx.locale), rounding: COUNT_ROUNDING })}</h2>
!${regions ? scrollingTable('regions-caption', t('helpdesk.counts.byRegionCaption'), html`<thead><tr><th scope="col">${t('helpdesk.counts.region')}</th>!${head}</tr></thead><tbody>!${regions}</tbody>`) : html`<p>${t('helpdesk.counts.none')}</p>`}
<p><a href="/api/v1/helpdesk/counts">${t('helpdesk.counts.json')}</a></p>`,
  })
}

/** What retention deletes in the coming week: no content, only when and which. */
export function retentionPage(
  ctx: PageContext,
  view: { due: DueReport[]; regions: Map<number, string>; days: number; notice?: string },
): string {
  const { t, locale } = ctx
  const keep = (
    report: DueReport,
  ) => html`<form class="inline" method="post" action="${deskBase}/retention/${report.id}/keep">!${csrfField(ctx)}
<label for="keep-${report.id}">${t('helpdesk.retention.keepFor')}</label>
<select id="keep-${report.id}" name="days">!${KEEP_DAYS.map((days) => html`<option value="${days}">${t('helpdesk.retention.days', { count: days })}</option>`).join('')}</select>
<button type="submit">${t('helpdesk.retention.keep')}</button></form>`
  const rows = view.due
    .map(
      (
        report,
      ) => html`<tr><th scope="row"><a href="${deskBase}/reports/${report.id}">${formatDateTime(report.deleteAt, locale)}</a></th>
<td>${report.deskName}</td><td>${t(`helpdesk.categories.${report.category}`)}</td><td>${report.regionId ? (view.regions.get(report.regionId) ?? '') : t('helpdesk.desk.noRegion')}</td>
<td>${formatDateTime(report.receivedAt, locale)}</td><td>${formatDateTime(report.closedAt, locale)}</td><td>!${keep(report)}</td></tr>`,
    )
    .join('')
  return layout(ctx, {
    title: t('helpdesk.retention.title'),
    body: html`<h1>${t('helpdesk.retention.title')}</h1>
!${noticeLine(view.notice)}
<p>${t('helpdesk.retention.intro', { days: view.days })}</p>
!${
      rows
        ? scrollingTable(
            'due-caption',
            t('helpdesk.retention.caption'),
            html`<thead><tr><th scope="col">${t('helpdesk.retention.deleteAt')}</th><th scope="col">${t('helpdesk.retention.desk')}</th><th scope="col">${t('helpdesk.desk.category')}</th>
<th scope="col">${t('helpdesk.desk.region')}</th><th scope="col">${t('helpdesk.desk.received')}</th><th scope="col">${t('helpdesk.retention.closed')}</th><th scope="col">${t('helpdesk.retention.keepLonger')}</th></tr></thead><tbody>!${rows}</tbody>`,
          )
        : html`<p>${t('helpdesk.retention.none')}</p>`
    }
<p><a href="${deskBase}">${t('helpdesk.desk.backToQueue')}</a></p>`,
  })
}
