/**
 * CSV as RFC 4180 writes it (CRLF lines, fields quoted when they hold a comma, quote or line break,
 * quotes doubled), made safe for spreadsheets: a text cell starting with = + - @ tab or CR would be
 * run as a formula, so it gets a leading single quote. No CSV library is installed; the statistics
 * tables are small and this is all they need.
 */

/** One cell's value: text (made formula-safe) or a number (written as it is). */
export type CsvValue = string | number | null

const formulaStart = /^[=+\-@\t\r]/

/** One cell, escaped and formula-safe. */
export function csvCell(value: CsvValue): string {
  if (value === null) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  const safe = formulaStart.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

/** A whole file: the header row, then one line per row, each ending in CRLF. */
export function csvDocument(header: string[], rows: CsvValue[][]): string {
  return [header, ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('')
}
