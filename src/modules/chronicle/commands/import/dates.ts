/**
 * Dates in a file's own formats ('dd.mm.yyyy', 'mm/yyyy', 'yyyy'…), each with the precision it holds.
 * A column may mix precisions ("2022-03-05" beside "2022-03"), so a field takes a list of formats and
 * a value's precision is that of the first format it matches.
 */

import type { Precision } from '../../../../platform/dates/precision.ts'

type Compiled = { pattern: RegExp; order: ('d' | 'm' | 'y')[]; precision: Precision }
const compiled = new Map<string, Compiled>()

function compile(format: string): Compiled {
  const known = compiled.get(format)
  if (known) return known
  const order: ('d' | 'm' | 'y')[] = []
  let source = ''
  for (let at = 0; at < format.length; ) {
    const rest = format.slice(at).toLowerCase()
    if (rest.startsWith('yyyy')) {
      order.push('y')
      source += '(\\d{4})'
      at += 4
    } else if (rest.startsWith('dd') || rest.startsWith('mm')) {
      order.push(rest[0] as 'd' | 'm')
      source += '(\\d{1,2})'
      at += 2
    } else {
      source += (format[at] ?? '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
      at += 1
    }
  }
  const precision: Precision = order.includes('d') ? 'day' : order.includes('m') ? 'month' : 'year'
  const result = { pattern: new RegExp(`^${source}$`), order, precision }
  compiled.set(format, result)
  return result
}

/** Parses `raw` by `format`; null if it does not match or is no real date (31.02, month 13). */
export function parseDate(raw: string, format: string): { date: string; precision: Precision } | null {
  const { pattern, order, precision } = compile(format)
  const match = pattern.exec(raw.trim())
  if (!match) return null
  const parts = { d: 1, m: 1, y: 0 }
  order.forEach((part, index) => {
    parts[part] = Number(match[index + 1])
  })
  const { d, m, y } = parts
  if (y < 1000 || m < 1 || m > 12 || d < 1) return null
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate()
  if (d > daysInMonth) return null
  const pad = (value: number) => String(value).padStart(2, '0')
  return { date: `${y}-${pad(m)}-${pad(d)}`, precision }
}

/** Parses `raw` by the first of `formats` it matches, with that format's precision; null if none does. */
export function parseDateAny(
  raw: string,
  formats: readonly string[],
): { date: string; precision: Precision; format: string } | null {
  for (const format of formats) {
    const parsed = parseDate(raw, format)
    if (parsed) return { ...parsed, format }
  }
  return null
}

/** The formats a date spec names: its list, its one format, or ISO days by default. */
export function dateFormats(format: string | readonly string[] | undefined): readonly string[] {
  if (format === undefined) return ['yyyy-mm-dd']
  return typeof format === 'string' ? [format] : format
}

const rank: Record<Precision, number> = { day: 0, month: 1, year: 2, unknown: 3 }

/**
 * Whether a stated precision agrees with what the value holds: it may be as exact or coarser (an
 * export writes a month as its first day, "2022-03-01" with "month"), never finer ("2022-03" can't be
 * known to the day).
 */
export function precisionAgrees(stated: Precision, held: Precision): boolean {
  return rank[stated] >= rank[held]
}
