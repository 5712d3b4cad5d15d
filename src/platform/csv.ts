/**
 * CSV per RFC 4180 (comma, CRLF, fields quoted when they hold a comma, quote or line break, quotes
 * doubled), made safe to open in a spreadsheet: a text cell that a spreadsheet would run as a formula
 * gets a leading single quote. Exports and the statistics tables both write it here.
 */

/** One cell's value: text (made formula-safe), a number or a boolean (written as they are), or none. */
export type CsvValue = string | number | boolean | null | undefined

// = + - @ start a formula; a leading tab or carriage return lets one slip past some importers.
const formulaStart = /^[=+\-@\t\r]/

/** One cell, escaped and formula-safe. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return String(value)
  const safe = formulaStart.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** One record, ending in CRLF. */
export function csvLine(cells: readonly CsvValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`
}

/** A whole file: the header row, then one line per row. */
export function csvDocument(header: readonly string[], rows: readonly CsvValue[][]): string {
  return [header, ...rows].map(csvLine).join('')
}
