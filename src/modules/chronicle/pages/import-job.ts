/**
 * One import job: progress while it runs, then the report (counts, unknown terms, errors, warnings),
 * or what an interruption left and a way to run the file again.
 */
import { html } from 'ghtml'
import { csrfField, layout, type PageContext } from '../../../platform/html/layout.ts'
import { jobProgress, progressControls, refreshFor } from '../../../platform/html/progress.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { formatNumber } from '../../../platform/i18n.ts'
import type { RowIssue } from '../commands/import/convert.ts'
import type { ImportJob } from '../commands/import/jobs.ts'
import type { ImportReport } from '../commands/import/run.ts'

function issuesTable(ctx: PageContext, id: string, caption: string, issues: RowIssue[]): string {
  const { t, locale } = ctx
  const rows = issues
    .map(
      (
        issue,
      ) => html`<tr><td class="number">${issue.row ? formatNumber(issue.row, locale) : t('chronicle.import.report.wholeFile')}</td><td>${issue.column ?? issue.field ?? ''}</td>
<td>${t(issue.key)}</td><td>!${issue.value === undefined ? '' : html`<code>${issue.value}</code>`}</td></tr>`,
    )
    .join('')
  return scrollingTable(
    id,
    caption,
    html`<thead><tr><th scope="col">${t('chronicle.import.job.row')}</th><th scope="col">${t('chronicle.import.job.column')}</th>
<th scope="col">${t('chronicle.import.job.problem')}</th><th scope="col">${t('chronicle.import.job.value')}</th></tr></thead>
<tbody>!${rows}</tbody>`,
  )
}

function reportSection(ctx: PageContext, job: ImportJob, report: ImportReport): string {
  const { t, locale } = ctx
  const n = (value: number) => formatNumber(value, locale)
  const terms = report.unknownTerms
    .map(
      (term) =>
        html`<tr><td>${t(`chronicle.import.field.${term.field}`)}</td><td>${term.value}</td><td><code>${term.code}</code></td><td class="number">${n(term.count)}</td></tr>`,
    )
    .join('')
  const outcome = report.dryRun
    ? report.invalid || report.fileError
      ? t('chronicle.import.job.dryRunProblems')
      : t('chronicle.import.job.dryRunClean')
    : report.written
      ? t('chronicle.import.report.written', {
          inserted: n(report.inserted),
          updated: n(report.updated),
          unchanged: n(report.unchanged),
        })
      : t('chronicle.import.report.nothingWritten')
  const canRun = report.dryRun && !report.fileError && job.fileId
  return html`<p class="${report.written || (report.dryRun && !report.invalid && !report.fileError) ? 'notice' : 'error-summary'}" role="status">${outcome}</p>
!${report.fileError ? html`<p class="error-summary" role="alert">${t(report.fileError.key)}${report.fileError.detail ? ` (${report.fileError.detail})` : ''}</p>` : ''}
<dl class="summary">
<dt>${t('chronicle.import.job.rows')}</dt><dd>${n(report.rows)}</dd>
<dt>${t('chronicle.import.job.valid')}</dt><dd>${n(report.valid)}</dd>
<dt>${t('chronicle.import.job.invalid')}</dt><dd>${n(report.invalid)}</dd>
<dt>${t('chronicle.import.job.warnings')}</dt><dd>${n(report.warningCount)}</dd>
</dl>
!${report.stoppedAt !== null ? html`<p>${t('chronicle.import.report.stopped', { row: n(report.stoppedAt) })}</p>` : ''}
!${
    terms
      ? html`<h2>${t('chronicle.import.report.unknownTerms')}</h2><p>${t('chronicle.import.job.unknownTermsHint')}</p>
!${scrollingTable(
          'terms-caption',
          t('chronicle.import.job.termsCaption'),
          html`<thead><tr><th scope="col">${t('chronicle.import.job.field')}</th><th scope="col">${t('chronicle.import.job.fileValue')}</th><th scope="col">${t('chronicle.import.job.code')}</th><th scope="col">${t('chronicle.import.job.count')}</th></tr></thead>
<tbody>!${terms}</tbody>`,
        )}`
      : ''
  }
!${report.errorCount ? html`<h2>${t('chronicle.import.report.errors', { count: report.errorCount })}</h2>!${issuesTable(ctx, 'errors-caption', t('chronicle.import.job.errorsCaption', { shown: n(report.errors.length), count: n(report.errorCount) }), report.errors)}` : ''}
!${report.warningCount ? html`<h2>${t('chronicle.import.report.warnings', { count: report.warningCount })}</h2><p>${t('chronicle.import.job.warningsHint')}</p>!${issuesTable(ctx, 'warnings-caption', t('chronicle.import.job.warningsCaption', { shown: n(report.warnings.length), count: n(report.warningCount) }), report.warnings)}` : ''}
!${
    canRun
      ? html`<h2>${t('chronicle.import.job.runTitle')}</h2>
<form class="stack" method="post" action="/staff/chronicle/import/jobs/${job.id}/run">
!${csrfField(ctx)}
<fieldset class="checks"><legend>${t('chronicle.import.page.options')}</legend>
<label><input type="checkbox" name="partial" value="1" ${job.params.partial ? 'checked' : ''}> ${t('chronicle.import.page.partial')}</label>
<label><input type="checkbox" name="blankUnknown" value="1" ${job.params.blankUnknown ? 'checked' : ''}> ${t('chronicle.import.page.blankUnknown')}</label>
</fieldset>
<p><button type="submit">${t('chronicle.import.page.runImport')}</button></p></form>`
      : report.dryRun && job.fileExpired
        ? html`<p>${t('chronicle.import.job.fileExpired')}</p>`
        : ''
  }`
}

// What was written before the process stopped, and running the same file again while it is kept.
function interruptedSection(ctx: PageContext, job: ImportJob): string {
  const { t } = ctx
  const what = job.params.dryRun
    ? 'interruptedDryRun'
    : job.params.partial
      ? 'interruptedPartial'
      : 'interruptedWhole'
  let next = ''
  if (job.fileId)
    next = html`<form method="post" action="/staff/chronicle/import/jobs/${job.id}/retry">
!${csrfField(ctx)}
<p><button type="submit">${t('chronicle.import.job.runAgain')}</button></p></form>`
  else if (job.retriedAs)
    next = html`<p><a href="/staff/chronicle/import/jobs/${job.retriedAs}">${t('chronicle.import.job.retried')}</a></p>`
  else if (job.fileExpired) next = html`<p>${t('chronicle.import.job.fileExpired')}</p>`
  return html`<p class="error-summary" role="alert">${t(`chronicle.import.job.${what}`)}</p>
!${next}`
}

/** Renders a job's page. */
/** `following`: the reader asked the page to reload itself while the job runs (see html/progress.ts). */
export function importJobPage(ctx: PageContext, job: ImportJob, following = false): string {
  const { t, locale } = ctx
  const { params } = job
  const title = params.dryRun ? t('chronicle.import.job.dryRunTitle') : t('chronicle.import.job.importTitle')
  let state: string
  if (job.state === 'running' || job.state === 'queued') {
    const progress = job.progress
    const percent =
      progress?.totalBytes && progress.bytes
        ? Math.min(100, Math.floor((progress.bytes / progress.totalBytes) * 100))
        : 0
    // Queued, or running on another node: its progress is known only where it runs.
    const status =
      job.state === 'queued'
        ? t('chronicle.import.job.queued')
        : t('chronicle.import.report.progress', { rows: formatNumber(progress?.rows ?? 0, locale), percent })
    state = html`!${jobProgress({ status, label: t('chronicle.import.job.progress'), done: percent, total: 100 })}
!${progressControls(ctx, following)}`
  } else if (job.interrupted) {
    state = interruptedSection(ctx, job)
  } else if (job.state === 'failed' || !job.report) {
    // A partial import commits batch by batch: what came before the failure stays.
    const key = params.partial ? 'chronicle.import.error.failedPartial' : 'chronicle.import.error.failed'
    state = html`<p class="error-summary" role="alert">${t(key)}</p>`
  } else {
    state = reportSection(ctx, job, job.report)
  }
  const body = html`<h1>${title}</h1>
<p>${t('chronicle.import.job.about', { file: params.fileName, mapping: params.mapping.name })}</p>
!${params.mapping.publish ? html`<p>${t(params.mapping.fields.status ? 'chronicle.import.job.publishesByRow' : 'chronicle.import.job.publishes')}</p>` : ''}
!${state}
<p><a href="/staff/chronicle/import">${t('chronicle.import.job.back')}</a></p>`
  const running = job.state === 'queued' || job.state === 'running'
  return layout(ctx, { title, body, ...refreshFor(running, following) })
}
