/**
 * Dates that know how exactly they are known (day, month, year or not at all): a month is stored as
 * its first day and a year as 1 January, so sorting and monthly counts see one value per month or year.
 */
import { dateFormat, type Locale } from '../i18n.ts'

/** How exactly a date is known, from the most to the least exact (the order a select shows them). */
export const precisions = ['day', 'month', 'year', 'unknown'] as const
/** One of `precisions`. */
export type Precision = (typeof precisions)[number]

/** A date as stored at its precision: a month as its first day, a year as 1 January. */
export function atPrecision(date: string, precision: Precision): string {
  if (precision === 'month') return `${date.slice(0, 7)}-01`
  if (precision === 'year') return `${date.slice(0, 4)}-01-01`
  return date
}

const wordOptions: Record<Exclude<Precision, 'unknown'>, Intl.DateTimeFormatOptions> = {
  day: { dateStyle: 'long' },
  month: { month: 'long', year: 'numeric' },
  year: { year: 'numeric' },
}

/** A date in words at its precision: "6 May 2012", "May 2012", "2012", or null when unknown. */
export function dateInWords(date: string | null, precision: Precision, locale: Locale): string | null {
  if (!date || precision === 'unknown') return null
  const day = new Date(`${date}T00:00:00Z`)
  if (Number.isNaN(day.getTime())) return null
  return dateFormat(locale, wordOptions[precision]).format(day)
}
