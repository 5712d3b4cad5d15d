/**
 * How the help desk's records become view models and JSON: a report's page, the draft event a report
 * becomes, the public counts as the API gives them. Each lists every field it outputs.
 */
import { isLocale, type Locale, translator } from '../../platform/i18n.ts'
import { COUNT_ROUNDING, SMALLEST_SHOWN } from '../../platform/intake/small-counts.ts'
import type { ReportView } from './pages/desk.ts'
import type { publicCounts } from './queries/counts.ts'
import type { OpenedReport, ReportMeta } from './queries/reports.ts'
import { rankWorkers, type Worker } from './queries/suggest.ts'
import { inLanguage, type Template } from './queries/templates.ts'
import type { ReportStatus } from './tables.ts'
import { consentOf, type ReportContent } from './triage.ts'

/** What a report's page is made from, besides the reply box and its errors. */
export type ReportParts = {
  report: ReportMeta
  opened: OpenedReport
  regions: Map<number, string>
  assigneeName: string | null
  workers: Worker[]
  load: Map<string, number>
  templates: Template[]
  grouped: { id: string; receivedAt: Date; status: ReportStatus }[]
}

/** What a report's page may be sent back with: a form as sent and its errors, or a notice. */
export type ReportExtra = 'reply' | 'errors' | 'statusForm' | 'assignErrors' | 'notice'

/**
 * A report's page. A chosen template is filled in in the writer's language, else the member's; one in
 * neither still gives its text in one it has: better than an empty box.
 */
export function reportView(
  parts: ReportParts,
  request: { locale: Locale; template?: string },
  extra: Partial<Pick<ReportView, ReportExtra>>,
): ReportView {
  const { report, opened } = parts
  const chosen = parts.templates.find((row) => row.code === request.template)
  const writerLocale = (opened.content?.locale ?? request.locale) as Locale
  const templateText = chosen ? inLanguage(chosen.bodies, [writerLocale, request.locale]) : ''
  return {
    report,
    opened,
    regionName: report.regionId ? (parts.regions.get(report.regionId) ?? null) : null,
    assigneeName: parts.assigneeName,
    workers: rankWorkers(parts.workers, report, parts.load),
    templates: parts.templates.map((row) => ({
      value: row.code,
      label: inLanguage(row.titles, [request.locale]) || row.code,
    })),
    reply: extra.reply ?? { text: templateText, author: 'desk' },
    errors: extra.errors ?? {},
    statusForm: extra.statusForm,
    assignErrors: extra.assignErrors,
    notice: extra.notice,
    grouped: parts.grouped,
  }
}

/**
 * The event form's values for a report, as the conversion page first shows them. The writer's words go
 * in as the language they were written in (the report keeps it), and the title with them; `pageLocale`
 * only when the report is not readable or names no language. Words, place and names only as far as
 * the writer's consent counts and stands (triage.ts, consentOf).
 */
export function eventDraft(
  report: ReportMeta,
  content: ReportContent | null,
  regionCode: string | null,
  pageLocale: Locale,
): Record<string, string> {
  const locale = isLocale(content?.locale) ? content.locale : pageLocale
  const t = translator(locale)
  const day = (content?.form === 'detained' && content.date) || report.receivedAt.toISOString().slice(0, 10)
  const type = content?.form === 'legal' ? (content.category === 'search' ? 'search' : 'other') : 'detention'
  const consent = consentOf(content, report.consentWithdrawn)
  const story: string[] = []
  if (content && consent.facts) {
    if (content.form === 'detained') {
      if (content.place) story.push(content.place)
      if (content.station) story.push(content.station)
    }
    if (content.details) story.push(content.details)
  }
  // The detained person's full name is a name the writer gave; their date of birth is not, and never goes in.
  if (content && consent.names) {
    const names =
      content.form === 'detained' ? [content.fullName, content.who].filter(Boolean).join('\n') : content.name
    if (names) story.unshift(names)
  }
  return {
    [`title_${locale}`]: t(`helpdesk.convert.titles.${type}`),
    [`summary_${locale}`]: story.join('\n\n'),
    type,
    start_date: day,
    start_precision: 'day',
    end_precision: 'unknown',
    region: regionCode ?? '',
    locality: consent.facts && content?.form === 'detained' ? content.place : '',
    detained: content?.form === 'detained' && content.people ? String(content.people) : '',
    authorised: 'unknown',
    sensitive: '1',
    coord_precision: '',
  }
}

/** The public counts as the API gives them: regions by their code (null: none given). */
export function countsJson(counts: Awaited<ReturnType<typeof publicCounts>>, codes: Map<number, string>) {
  return {
    fewerThan: SMALLEST_SHOWN,
    regionRounding: COUNT_ROUNDING,
    days: { from: counts.firstDay, through: counts.lastDay },
    regionsThrough: counts.regionsThrough,
    byDay: counts.byDay,
    byRegion: counts.byRegion.map(({ regionId, ...row }) => ({
      region: codes.get(regionId) ?? null,
      ...row,
    })),
  }
}
