/** An import report as plain text, for the terminal. */
import type { T } from '../../../platform/i18n.ts'
import type { RowIssue } from '../commands/import/convert.ts'
import type { ImportReport } from '../commands/import/run.ts'

function issueLine(t: T, issue: RowIssue): string {
  const where = [
    issue.row
      ? t('chronicle.import.report.rowN', { row: issue.row })
      : t('chronicle.import.report.wholeFile'),
    issue.column ? t('chronicle.import.report.columnN', { column: issue.column }) : issue.field,
  ]
    .filter(Boolean)
    .join(', ')
  return `  ${where}: ${t(issue.key)}${issue.value !== undefined ? ` [${JSON.stringify(issue.value)}]` : ''}`
}

/** The report as lines of text, listing at most `limit` errors and warnings. */
export function summaryLines(t: T, report: ImportReport, limit = 20): string[] {
  const lines: string[] = []
  if (report.fileError)
    lines.push(`${t(report.fileError.key)}${report.fileError.detail ? ` (${report.fileError.detail})` : ''}`)
  lines.push(
    t('chronicle.import.report.counts', {
      rows: report.rows,
      valid: report.valid,
      invalid: report.invalid,
    }),
  )
  if (!report.dryRun)
    lines.push(
      report.written
        ? t('chronicle.import.report.written', {
            inserted: report.inserted,
            updated: report.updated,
            unchanged: report.unchanged,
          })
        : t('chronicle.import.report.nothingWritten'),
    )
  if (report.duplicateCount)
    lines.push(t('chronicle.import.report.duplicates', { count: report.duplicateCount }))
  if (report.stoppedAt !== null) lines.push(t('chronicle.import.report.stopped', { row: report.stoppedAt }))
  if (report.unknownTerms.length) {
    lines.push(t('chronicle.import.report.unknownTerms'))
    for (const term of report.unknownTerms)
      lines.push(
        `  ${term.field} (${term.vocabulary}): ${JSON.stringify(term.value)} → ${term.code} × ${term.count}`,
      )
  }
  if (report.errorCount) {
    lines.push(t('chronicle.import.report.errors', { count: report.errorCount }))
    for (const issue of report.errors.slice(0, limit)) lines.push(issueLine(t, issue))
  }
  if (report.warningCount) {
    lines.push(t('chronicle.import.report.warnings', { count: report.warningCount }))
    for (const issue of report.warnings.slice(0, limit)) lines.push(issueLine(t, issue))
  }
  return lines
}
