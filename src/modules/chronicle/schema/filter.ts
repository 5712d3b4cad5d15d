/**
 * The filter every public view of the chronicle shares (list, API, feeds, statistics, exports), as it
 * arrives in a query string; queries/filters.ts turns it into SQL.
 */
import { z } from 'zod'
import { many, text } from '../../../platform/validation.ts'

const code = z.string().regex(/^[\w.-]{1,40}$/, 'validation.invalid')
// A day, or a month (YYYY-MM) meaning its first or last day depending on the end of the range, in the
// years 1 to 9999. PostgreSQL has no year 0 (1 BC is followed by AD 1): `0000-01-01` would pass the
// format and fail the query.
const dayOrMonth = z
  .union([
    z.literal(''),
    z.iso.date('validation.date'),
    z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'validation.date'),
  ])
  .refine((value) => !value.startsWith('0000'), 'validation.date')

/** A filter as it arrives in a query string. Every part is optional. */
export const eventFilterSchema = z.object({
  q: text(200).optional(),
  type: many(code).optional(),
  region: many(code).optional(),
  /** ISO 3166-1 alpha-2 codes. */
  country: many(code).optional(),
  article: many(code).optional(),
  status: many(z.enum(['verified', 'disputed'], { error: 'validation.invalid' })).optional(),
  from: dayOrMonth.optional(),
  to: dayOrMonth.optional(),
})

/** A parsed filter. */
export type EventFilter = z.infer<typeof eventFilterSchema>

/** The first day of a `from` value, or null. */
export function rangeStart(value: string | undefined): string | null {
  if (!value) return null
  return value.length === 7 ? `${value}-01` : value
}

/** The last day of a `to` value, or null. */
export function rangeEnd(value: string | undefined): string | null {
  if (!value) return null
  if (value.length === 10) return value
  const [year, month] = value.split('-').map(Number)
  const last = new Date(Date.UTC(year!, month!, 0)).getUTCDate()
  return `${value}-${String(last).padStart(2, '0')}`
}

/** The statistics filter: the shared event filter plus which figure the charts and map show. */
export const statsQuerySchema = eventFilterSchema
  .extend({ measure: z.enum(['events', 'detained'], { error: 'validation.invalid' }).optional() })
  .refine((f) => !f.from || !f.to || (rangeStart(f.from) ?? '') <= (rangeEnd(f.to) ?? ''), {
    path: ['to'],
    message: 'validation.statsRangeOrder',
  })

/** A parsed statistics query. */
export type StatsQuery = z.infer<typeof statsQuerySchema>
