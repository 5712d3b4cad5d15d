/** How a file row's cells are read through a field spec: one text, a list of texts, a value map. */
import type { FieldSpec } from './mapping.ts'

/** A file row: column → value (CSV cells are strings; NDJSON values may be anything JSON holds). */
export type FileRow = Record<string, unknown>

/** Looks up a column; NDJSON and JSON objects may nest ("title.ru" reads {"title": {"ru": …}}). */
export function cell(row: FileRow, column: string): unknown {
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

const isStructured = (value: unknown) => value !== null && typeof value === 'object'

/**
 * The first column a spec reads (its column, or a template's placeholders) whose value is an object
 * or array where text is wanted (a list field takes an array of texts), or null. Such a value is
 * refused rather than stored as JSON text.
 */
export function structuredColumn(spec: FieldSpec, row: FileRow, list: boolean): string | null {
  const columns =
    spec.column !== undefined
      ? [spec.column]
      : [...(spec.template ?? '').matchAll(/\{([^{}]+)\}/g)].flatMap((match) =>
          (match[1] ?? '')
            .split('|')
            .map((part) => part.trim())
            .filter((part) => !/^".*"$/s.test(part)),
        )
  for (const column of columns) {
    const value = cell(row, column)
    if (list && Array.isArray(value) && spec.column !== undefined) {
      if (value.some(isStructured)) return column
    } else if (isStructured(value)) return column
  }
  return null
}

/** The text a spec yields for a row, before any conversion. */
export function specValue(spec: FieldSpec, row: FileRow): string {
  if (spec.column !== undefined) return asString(cell(row, spec.column)).trim()
  if (spec.constant !== undefined) return String(spec.constant)
  return fillTemplate(spec.template ?? '', row)
}

// One placeholder's value: the first of its alternatives ("{subject|locality|\"акция\"}") that is not
// empty; an alternative in double quotes is that text itself.
function placeholder(inner: string, row: FileRow): string {
  for (const alternative of inner.split('|').map((part) => part.trim())) {
    const quoted = /^"(.*)"$/s.exec(alternative)
    const value = quoted ? (quoted[1] ?? '') : asString(cell(row, alternative)).trim()
    if (value) return value
  }
  return ''
}

/**
 * A template filled from a row. A placeholder left empty takes the separator before it along (or,
 * first, the one after it), so "{type}: {subject} {date}" never reads "протест:  2022-09-21"; the
 * text before the first placeholder and after the last stays.
 */
export function fillTemplate(template: string, row: FileRow): string {
  const pieces = template.split(/\{([^{}]+)\}/g) // literal, placeholder, literal, …, literal
  if (pieces.length === 1) return template.trim()
  let out = pieces[0] ?? ''
  let filled = 0
  for (let at = 1; at < pieces.length; at += 2) {
    const value = placeholder(pieces[at] ?? '', row)
    if (!value) continue
    if (filled > 0) out += pieces[at - 1] ?? ''
    out += value
    filled += 1
  }
  return (out + (pieces[pieces.length - 1] ?? '')).trim()
}

/** The items a list spec yields: a JSON array's items, or the text split on `separator`; blanks dropped. */
export function specItems(spec: FieldSpec, row: FileRow): string[] {
  const value = spec.column === undefined ? undefined : cell(row, spec.column)
  const items = Array.isArray(value)
    ? value.map(asString)
    : spec.separator
      ? specValue(spec, row).split(spec.separator)
      : [specValue(spec, row)]
  return items.map((item) => item.trim()).filter(Boolean)
}

/** What a spec's value map says `raw` means: a term code, a flag, null ("nothing"), or undefined (not listed). */
export function lookupValue(values: FieldSpec['values'], raw: string): string | boolean | null | undefined {
  if (!values) return undefined
  if (raw in values) return values[raw]
  const wanted = raw.trim().toLowerCase()
  for (const [key, mapped] of Object.entries(values)) if (key.trim().toLowerCase() === wanted) return mapped
  return undefined
}

// What a spreadsheet-safe exporter (Lifeline's csvText) puts before a cell that looks like a formula.
const escapedFormula = /^'[=+\-@\t\r]/

/** The row with each formula guard apostrophe dropped again (top-level text cells: what CSV has). */
export function unescapeFormulas(row: FileRow): FileRow {
  const out: FileRow = {}
  for (const [column, value] of Object.entries(row))
    out[column] = typeof value === 'string' && escapedFormula.test(value) ? value.slice(1) : value
  return out
}
