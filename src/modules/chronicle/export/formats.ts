/** How a presented event becomes one record of each export format. */
import type { EventDetailOut, EventOut } from '../api/present-api.ts'
import { csvLine, csvText, csvValue } from './csv.ts'

/** The export formats. */
export const exportFormats = ['csv', 'ndjson', 'json'] as const
/** One of `exportFormats`. */
export type ExportFormat = (typeof exportFormats)[number]

/** Each format's media type. */
export const mediaTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
}

/** CSV columns, in order; the import's example mapping reads these names. */
export const csvColumns = [
  'id',
  'url',
  'title_ru',
  'title_en',
  'title_uk',
  'summary_ru',
  'summary_en',
  'summary_uk',
  'type',
  'status',
  'start_date',
  'start_precision',
  'end_date',
  'end_precision',
  'region',
  'locality',
  'latitude',
  'longitude',
  'coord_precision',
  'participants',
  'detained',
  'authorised',
  'subject',
  'organisers',
  'blurred',
  'articles',
  'sources',
  'published_at',
  'updated_at',
] as const

/** The CSV header line. */
export const csvHeader = csvLine([...csvColumns])

/** One event as a CSV record. Lists (articles, source links) are joined with " | ". */
export function csvRecord(e: EventOut): string {
  const sources = e.sources.map((source) => source.url ?? source.description ?? '').filter(Boolean)
  return csvLine([
    csvValue(e.id),
    csvText(e.url),
    csvText(e.title.ru),
    csvText(e.title.en),
    csvText(e.title.uk),
    csvText(e.summary.ru),
    csvText(e.summary.en),
    csvText(e.summary.uk),
    csvText(e.type),
    csvText(e.status),
    csvText(e.start.date),
    csvText(e.start.precision),
    csvText(e.end.date),
    csvText(e.end.precision),
    csvText(e.region),
    csvText(e.locality),
    csvValue(e.coordinates?.latitude),
    csvValue(e.coordinates?.longitude),
    csvText(e.coordinates?.precision),
    csvValue(e.participants),
    csvValue(e.detained),
    csvValue(e.authorised),
    csvText(e.subject),
    csvText(e.organisers),
    csvValue(e.blurred),
    csvText(e.articles.join(' | ')),
    csvText(sources.join(' | ')),
    csvText(e.publishedAt),
    csvText(e.updatedAt),
  ])
}

/** What comes before the first record, between records, and after the last. */
export function framing(format: ExportFormat): { head: string; separator: string; tail: string } {
  if (format === 'csv') return { head: csvHeader, separator: '', tail: '' }
  if (format === 'ndjson') return { head: '', separator: '', tail: '' }
  return { head: '[\n', separator: ',\n', tail: '\n]\n' }
}

/** One event as a record of `format` (CSV takes the event without acts). */
export function record(format: ExportFormat, e: EventDetailOut): string {
  if (format === 'csv') return csvRecord(e)
  if (format === 'ndjson') return `${JSON.stringify(e)}\n`
  return JSON.stringify(e)
}
