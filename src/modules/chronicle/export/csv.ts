/**
 * CSV per RFC 4180 (comma, CRLF, quotes doubled, UTF-8 without BOM), made safe to open in a
 * spreadsheet: a text cell that a spreadsheet would run as a formula gets a leading apostrophe.
 */

// = + - @ start a formula; a leading tab or carriage return lets one slip past some importers.
const formulaStart = /^[=+\-@\t\r]/

/** A text cell as CSV: neutralised if it could be a formula, quoted if it must be. */
export function csvText(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return ''
  const safe = formulaStart.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** A number or boolean cell: written as is, since no number is a formula. */
export function csvValue(value: number | boolean | null | undefined): string {
  return value === null || value === undefined ? '' : String(value)
}

/** One CSV record, ending in CRLF. */
export function csvLine(cells: string[]): string {
  return `${cells.join(',')}\r\n`
}
