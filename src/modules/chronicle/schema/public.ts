/** The public list's query string and the permalinks' paths. */
import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { type FieldErrors, parseForm } from '../../../platform/validation.ts'
import { type EventFilter, eventFilterSchema } from './filter.ts'

/** Events on one page of the list. */
export const PAGE_SIZE = 50

// A page cursor is the id of the event the page starts after (or ends before); see listEvents.
const cursor = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, 'validation.invalid')
  .transform((value) => Number(value))

/** The list's query string: the shared filter plus a page cursor. */
export const listQuerySchema = eventFilterSchema.extend({
  after: cursor.optional(),
  before: cursor.optional(),
})

/**
 * Query-string keys whose values aren't valid percent-encoded UTF-8. The parser keeps such values
 * as the raw `%FF` text, which would otherwise pass as an odd but harmless search.
 */
export function brokenlyEncoded(url: string): string[] {
  const query = url.split('?')[1] ?? ''
  const broken: string[] = []
  for (const pair of query.split('&')) {
    if (!pair) continue
    const [key = '', value = ''] = pair.split('=')
    try {
      decodeURIComponent(value.replace(/\+/g, ' '))
    } catch {
      let name = key
      try {
        name = decodeURIComponent(key)
      } catch {}
      broken.push(name)
    }
  }
  return broken
}

/** The list's query, field by field: every valid value kept, each bad one with what is wrong. */
export function parseListQuery(request: FastifyRequest): {
  filter: EventFilter
  position: { after?: number; before?: number }
  errors: FieldErrors
} {
  const query = (request.query ?? {}) as Record<string, unknown>
  const errors: FieldErrors = {}
  for (const key of brokenlyEncoded(request.url))
    errors[key in listQuerySchema.shape ? key : '_form'] = 'validation.badCharacters'
  // Field by field, so the form comes back with every valid value kept and each bad one marked.
  const filter: Record<string, unknown> = {}
  const position: { after?: number; before?: number } = {}
  for (const [key, schema] of Object.entries(listQuerySchema.shape)) {
    // The form sends empty fields ("any article", blank dates) as empty values: they mean no filter.
    const raw = query[key]
    const value = Array.isArray(raw) ? raw.filter((item) => item !== '') : raw === '' ? undefined : raw
    if (value === undefined || (Array.isArray(value) && !value.length) || errors[key]) continue
    const result = parseForm(z.object({ [key]: schema as z.ZodType }), { [key]: value })
    if (!result.ok) {
      errors[key] = result.errors[key] ?? 'validation.invalid'
    } else if (key === 'after' || key === 'before') {
      position[key] = result.data[key] as number
    } else {
      filter[key] = result.data[key]
    }
  }
  return { filter: filter as EventFilter, position, errors }
}

/** A permalink's path: an id of digits without a leading zero, so one event has one address. */
export const permalinkParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,14}$/)
    .transform(Number),
})
