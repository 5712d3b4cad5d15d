/** The pages of large exports: the offer to prepare one, and its progress with the download link. */
import { html } from 'ghtml'
import { csrfField, layout, type PageContext } from '../../../platform/html/layout.ts'
import { jobProgress, progressControls, refreshFor } from '../../../platform/html/progress.ts'
import { formatNumber } from '../../../platform/i18n.ts'
import type { ExportFormat } from '../present/export-formats.ts'

/** A filter as hidden fields, so the form sends the same filter it was shown for. */
function hiddenFields(filter: Record<string, string | string[] | undefined>): string {
  return Object.entries(filter)
    .flatMap(([name, value]) =>
      (value === undefined ? [] : Array.isArray(value) ? value : [value]).map((v) => [name, v]),
    )
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)
    .join('')
}

/** "This export is large": a form that queues it as a background job. */
export function largeExportPage(
  ctx: PageContext,
  options: { format: ExportFormat; atLeast: number; filter: Record<string, string | string[] | undefined> },
): string {
  const { t } = ctx
  const body = html`<h1>${t('chronicle.data.export.largeTitle')}</h1>
<p>${t('chronicle.data.export.largeText', { count: options.atLeast, formatted: formatNumber(options.atLeast, ctx.locale) })}</p>
<form method="post" action="/chronicle/exports">
!${csrfField(ctx)}
<input type="hidden" name="format" value="${options.format}">
!${hiddenFields(options.filter)}
<button type="submit">${t('chronicle.data.export.prepare')}</button>
</form>`
  return layout(ctx, { title: t('chronicle.data.export.largeTitle'), body, narrow: true })
}

/** A background export as the progress page shows it. */
export type ExportJobView = {
  id: string
  state: 'queued' | 'running' | 'done' | 'failed'
  format: string
  done: number
  total: number | null
  available: boolean
}

/** The progress of a background export, and its download link once done. */
export function exportProgressPage(ctx: PageContext, job: ExportJobView, following = false): string {
  const { t, locale } = ctx
  const total = job.total ?? 0
  const running = job.state === 'running' || job.state === 'queued'
  const state = t(`chronicle.data.export.state.${job.state}`)
  const progress = running
    ? jobProgress({
        status: `${state} ${t('chronicle.data.export.progress', {
          done: formatNumber(job.done, locale),
          total: formatNumber(total, locale),
        })}`,
        label: t('chronicle.data.export.jobTitle'),
        done: job.done,
        total,
      }) + progressControls(ctx, following)
    : html`<p role="status">${state}</p>`
  const outcome =
    job.state === 'done'
      ? job.available
        ? html`<p><a href="/chronicle/exports/${job.id}/download" download>${t(
            'chronicle.data.export.download',
            {
              format: job.format.toUpperCase(),
              count: job.done,
              formatted: formatNumber(job.done, locale),
            },
          )}</a></p>!${
            job.format === 'csv'
              ? html`<p><a href="/chronicle/exports/${job.id}/download?bom=1" download>${t('chronicle.data.export.downloadBom')}</a></p>`
              : ''
          }`
        : html`<p>${t('chronicle.data.export.expired')}</p>`
      : job.state === 'failed'
        ? html`<p role="alert">${t('chronicle.data.export.failed')}</p>`
        : ''
  const body = html`<h1>${t('chronicle.data.export.jobTitle')}</h1>
!${progress}
!${outcome}`
  return layout(ctx, {
    title: t('chronicle.data.export.jobTitle'),
    body,
    narrow: true,
    ...refreshFor(running, following),
  })
}
