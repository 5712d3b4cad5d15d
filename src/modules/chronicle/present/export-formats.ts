/** How a presented event becomes one record of each export format. */

import { csvLine } from '../../../platform/csv.ts'
import { factFields, textFields } from '../schema/event-fields.ts'
import type { EventDetailOut } from './api.ts'

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
  ...textFields,
  'type',
  'status',
  ...factFields,
  'blurred',
  'articles',
  'sources',
  'published_at',
  'updated_at',
  'participants_qualifier',
  'detained_qualifier',
  'sources_json',
  'acts_json',
] as const

/** The CSV header line. */
export const csvHeader = csvLine([...csvColumns])

/**
 * One event as a CSV record. Lists (articles, source links) are joined with " | " for people to read;
 * `sources_json` and `acts_json` hold every source and act whole, as JSON, for a re-import to read.
 */
export function csvRecord(e: EventDetailOut): string {
  const sources = e.sources.map((source) => source.url ?? source.description ?? '').filter(Boolean)
  return csvLine([
    e.id,
    e.url,
    e.title.ru,
    e.title.en,
    e.title.uk,
    e.summary.ru,
    e.summary.en,
    e.summary.uk,
    e.type,
    e.status,
    e.start.date,
    e.start.precision,
    e.end.date,
    e.end.precision,
    e.region,
    e.country,
    e.locality,
    e.coordinates?.latitude,
    e.coordinates?.longitude,
    e.coordinates?.precision,
    e.participants,
    e.detained,
    e.authorised,
    e.subject,
    e.organisers,
    e.blurred,
    e.articles.join(' | '),
    sources.join(' | '),
    e.publishedAt,
    e.updatedAt,
    e.participantsQualifier,
    e.detainedQualifier,
    JSON.stringify(e.sources),
    JSON.stringify(e.acts),
  ])
}

/** What comes before the first record, between records, and after the last. */
export function framing(format: ExportFormat): { head: string; separator: string; tail: string } {
  if (format === 'csv') return { head: csvHeader, separator: '', tail: '' }
  if (format === 'ndjson') return { head: '', separator: '', tail: '' }
  return { head: '[\n', separator: ',\n', tail: '\n]\n' }
}

/** One event as a record of `format`. */
export function record(format: ExportFormat, e: EventDetailOut): string {
  if (format === 'csv') return csvRecord(e)
  if (format === 'ndjson') return `${JSON.stringify(e)}\n`
  return JSON.stringify(e)
}
