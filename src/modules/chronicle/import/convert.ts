/**
 * One file row → one event, by a mapping. Pure: no database, so a dry run and a real run check rows
 * the same way, and tests need no store. Vocabulary codes resolve through the `terms` lookup given.
 */
import { createHash } from 'node:crypto'
import type { Localised, Precision } from '../tables.ts'
import { parseDate } from './dates.ts'
import type { FieldSpec, MappableField, Mapping } from './mapping.ts'
import { cleanText } from './text-rules.ts'

/** A file row: column → value (CSV cells are strings; NDJSON values may be anything JSON holds). */
export type SourceRow = Record<string, unknown>

/** Something wrong (or worth a look) in one row. `key` is an i18n key under chronicle.import. */
export type RowIssue = { row: number; column: string | null; field?: string; key: string; value?: string }

/** A value that maps to no approved vocabulary term. */
export type UnknownTerm = { field: 'type' | 'region'; vocabulary: string; value: string; code: string }

/** An event ready to insert, with everything the row held. */
export type EventDraft = {
  externalId: string
  title: Localised
  summary: Localised
  typeId: number | null
  startDate: string | null
  startPrecision: Precision
  endDate: string | null
  endPrecision: Precision
  regionId: number | null
  locality: string | null
  latitude: number | null
  longitude: number | null
  participants: number | null
  detained: number | null
  authorised: boolean | null
  subject: string | null
  organisers: string | null
  sourceUrl: string | null
  raw: SourceRow
}

/** Approved term ids by vocabulary and code. */
export type TermLookup = (vocabulary: 'event_type' | 'region', code: string) => number | undefined

/** What converting a row gives: an event (when no error), errors, warnings, unknown terms. */
export type Converted = {
  draft: EventDraft | null
  errors: RowIssue[]
  warnings: RowIssue[]
  unknown: UnknownTerm[]
}

const textLimits: Partial<Record<MappableField, { max: number; multiline?: boolean }>> = {
  externalId: { max: 200 },
  'title.ru': { max: 500 },
  'title.en': { max: 500 },
  'title.uk': { max: 500 },
  'summary.ru': { max: 20_000, multiline: true },
  'summary.en': { max: 20_000, multiline: true },
  'summary.uk': { max: 20_000, multiline: true },
  locality: { max: 300 },
  subject: { max: 1000 },
  organisers: { max: 1000 },
  sourceUrl: { max: 2000 },
}

// Looks up a column; NDJSON objects may nest ("title.ru" reads {"title": {"ru": …}}).
function cell(row: SourceRow, column: string): unknown {
  if (column in row) return row[column]
  let value: unknown = row
  for (const part of column.split('.')) {
    if (!value || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return value
}

function asString(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/** The text a spec yields for a row, before any conversion. */
function specValue(spec: FieldSpec, row: SourceRow): string {
  if (spec.column !== undefined) return asString(cell(row, spec.column)).trim()
  if (spec.constant !== undefined) return String(spec.constant)
  return (spec.template ?? '')
    .replace(/\{([^{}]+)\}/g, (_match, column: string) => asString(cell(row, column)).trim())
    .trim()
}

function lookupValue(values: FieldSpec['values'], raw: string): string | boolean | null | undefined {
  if (!values) return undefined
  if (raw in values) return values[raw]
  const wanted = raw.trim().toLowerCase()
  for (const [key, mapped] of Object.entries(values)) if (key.trim().toLowerCase() === wanted) return mapped
  return undefined
}

const formulaLike = /^[=+@\t\r]|^-(?![\d.,\s]*$)/
const markupLike = /<\/?[a-z!?][^>]*>?|javascript:/i

/** Per-cell warnings: markup and spreadsheet-formula-looking text are stored as text, but flagged. */
function cellWarnings(row: SourceRow, rowNumber: number, warnings: RowIssue[]) {
  for (const [column, value] of Object.entries(row)) {
    if (typeof value !== 'string' || value === '') continue
    if (formulaLike.test(value))
      warnings.push({
        row: rowNumber,
        column,
        key: 'chronicle.import.warning.formula',
        value: value.slice(0, 80),
      })
    if (markupLike.test(value))
      warnings.push({
        row: rowNumber,
        column,
        key: 'chronicle.import.warning.markup',
        value: value.slice(0, 80),
      })
  }
}

/** A stable id for a row whose file has no id column: the same row always gets the same id. */
function rowHash(row: SourceRow): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(row)).digest('hex').slice(0, 32)}`
}

/** Converts one row. `rowNumber` counts data rows from 1; `blankUnknown` empties unmapped terms instead of refusing the row. */
export function convertRow(
  mapping: Mapping,
  row: SourceRow,
  rowNumber: number,
  terms: TermLookup,
  options: { blankUnknown?: boolean } = {},
): Converted {
  const errors: RowIssue[] = []
  const warnings: RowIssue[] = []
  const unknown: UnknownTerm[] = []
  const fail = (field: MappableField, key: string, value?: string) =>
    errors.push({
      row: rowNumber,
      column: mapping.fields[field]?.column ?? null,
      field,
      key,
      ...(value !== undefined ? { value: value.slice(0, 80) } : {}),
    })
  cellWarnings(row, rowNumber, warnings)

  const texts: Partial<Record<MappableField, string | null>> = {}
  for (const [field, limit] of Object.entries(textLimits) as [
    MappableField,
    { max: number; multiline?: boolean },
  ][]) {
    const spec = mapping.fields[field]
    if (!spec) continue
    const raw = specValue(spec, row)
    const checked = cleanText(raw, limit.max, limit.multiline)
    if (typeof checked === 'object') fail(field, checked.error, raw)
    else texts[field] = checked || null
  }

  const term = (field: 'type' | 'region', vocabulary: 'event_type' | 'region'): number | null => {
    const spec = mapping.fields[field]
    if (!spec) return null
    const raw = specValue(spec, row)
    if (!raw) return null
    const mapped = lookupValue(spec.values, raw)
    if (mapped === null) return null // the mapping says: this value means "no term"
    if (raw.includes('\uFFFD')) {
      fail(field, 'chronicle.import.error.encoding', raw)
      return null
    }
    const code = typeof mapped === 'string' ? mapped : raw
    const id = terms(vocabulary, code)
    if (id !== undefined) return id
    unknown.push({ field, vocabulary, value: raw, code })
    if (!options.blankUnknown) fail(field, 'chronicle.import.error.unknownTerm', raw)
    return null
  }

  const date = (field: 'startDate' | 'endDate'): { date: string | null; precision: Precision } => {
    const spec = mapping.fields[field]
    if (!spec) return { date: null, precision: 'unknown' }
    const raw = specValue(spec, row)
    if (!raw) return { date: null, precision: 'unknown' }
    const parsed = parseDate(raw, spec.format ?? 'yyyy-mm-dd')
    if (!parsed) {
      fail(field, 'chronicle.import.error.date', raw)
      return { date: null, precision: 'unknown' }
    }
    return { date: parsed.date, precision: spec.precision ?? parsed.precision }
  }

  const number = (field: 'participants' | 'detained' | 'latitude' | 'longitude'): number | null => {
    const spec = mapping.fields[field]
    if (!spec) return null
    const raw = specValue(spec, row).replace(/[\s\u00a0\u202f]/g, '')
    if (!raw) return null
    const whole = field === 'participants' || field === 'detained'
    const value = Number(whole ? raw : raw.replace(',', '.'))
    const limits = {
      participants: [0, 10_000_000],
      detained: [0, 10_000_000],
      latitude: [-90, 90],
      longitude: [-180, 180],
    }[field]
    const valid =
      (whole ? /^\d+$/.test(raw) : /^-?\d+([.,]\d+)?$/.test(raw)) &&
      value >= (limits[0] ?? 0) &&
      value <= (limits[1] ?? 0)
    if (!valid) {
      fail(field, 'chronicle.import.error.number', raw)
      return null
    }
    return value
  }

  const authorised = (): boolean | null => {
    const spec = mapping.fields.authorised
    if (!spec) return null
    const raw = specValue(spec, row)
    if (!raw) return null
    const mapped = lookupValue(spec.values, raw)
    if (typeof mapped === 'boolean' || mapped === null) return mapped
    if (/^(true|yes|1)$/i.test(raw)) return true
    if (/^(false|no|0)$/i.test(raw)) return false
    fail('authorised', 'chronicle.import.error.unknownValue', raw)
    return null
  }

  const start = date('startDate')
  const end = date('endDate')
  if (start.date && end.date && end.date < start.date)
    fail('endDate', 'chronicle.import.error.endBeforeStart')
  const draft: EventDraft = {
    externalId: texts.externalId ?? rowHash(row),
    title: localised(texts, 'title'),
    summary: localised(texts, 'summary'),
    typeId: term('type', 'event_type'),
    startDate: start.date,
    startPrecision: start.precision,
    endDate: end.date,
    endPrecision: end.precision,
    regionId: term('region', 'region'),
    locality: texts.locality ?? null,
    latitude: number('latitude'),
    longitude: number('longitude'),
    participants: number('participants'),
    detained: number('detained'),
    authorised: authorised(),
    subject: texts.subject ?? null,
    organisers: texts.organisers ?? null,
    sourceUrl: texts.sourceUrl ?? null,
    raw: row,
  }
  if (draft.sourceUrl && !/^https?:\/\/[^\s]+$/i.test(draft.sourceUrl))
    fail('sourceUrl', 'chronicle.import.error.url', draft.sourceUrl)
  const failed = new Set(errors.map((error) => error.field))
  if (mapping.fields.externalId && !texts.externalId && !failed.has('externalId'))
    fail('externalId', 'chronicle.import.error.externalIdMissing')
  if (!Object.keys(draft.title).length && ![...failed].some((field) => field?.startsWith('title.')))
    errors.push({ row: rowNumber, column: null, key: 'chronicle.import.error.titleMissing' })
  return { draft: errors.length ? null : draft, errors, warnings, unknown }
}

function localised(
  texts: Partial<Record<MappableField, string | null>>,
  prefix: 'title' | 'summary',
): Localised {
  const out: Localised = {}
  for (const language of ['ru', 'en', 'uk'] as const) {
    const value = texts[`${prefix}.${language}`]
    if (value) out[language] = value
  }
  return out
}
