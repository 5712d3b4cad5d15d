/**
 * Blurring of dates and times for public output: what a module's redaction rules use when a record
 * is sensitive. A day becomes its month; a moment becomes the first instant of its month (UTC). The
 * rules — which records, which fields — are each module's own; only the blurring is shared.
 */

/** A date known to the day, or to a coarser step (the precisions every dated record carries). */
type DatePrecision = 'day' | 'month' | 'year' | 'unknown'

/** A date blurred to its month: a day-precise `YYYY-MM-DD` becomes the month's first; coarser dates stay. */
export function blurDate(date: string | null, precision: DatePrecision): string | null {
  if (!date) return null
  return precision === 'day' ? `${date.slice(0, 7)}-01` : date
}

/** The precision of a date after blurDate: a day becomes a month; coarser precisions stay. */
export function blurredPrecision<P extends DatePrecision>(precision: P): P | 'month' {
  return precision === 'day' ? 'month' : precision
}

/** A moment blurred to the first instant of its month (UTC); none stays none. */
export function blurTime(time: Date | null | undefined): Date | null {
  return time ? new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), 1)) : null
}
