/**
 * The JSON API's schemas: what each endpoint accepts and what it answers. The routes validate with
 * them and the OpenAPI document is generated from them, so the two never drift.
 */
import { z } from 'zod'
import { type Parsed, parseForm } from '../../../platform/validation.ts'
import { countQualifiers } from './event-fields.ts'
import { eventFilterSchema } from './filter.ts'

/** The largest page the API serves. */
export const MAX_PAGE = 200

/** GET /api/v1/events: the shared filter plus keyset paging. */
export const eventListQuery = eventFilterSchema.extend({
  cursor: z
    .string()
    .max(40, 'validation.tooLong')
    .optional()
    .meta({ description: 'The `next` value of the previous page; absent for the first page.' }),
  limit: z.coerce
    .number({ error: 'validation.invalid' })
    .int('validation.invalid')
    .min(1, 'validation.invalid')
    .max(MAX_PAGE, 'validation.invalid')
    .default(50)
    .meta({ description: `Events per page, 1 to ${MAX_PAGE}.` }),
})

/** GET /api/v1/events/:id */
export const apiEventParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, 'validation.invalid')
    .meta({ description: 'The event id.' }),
})

/** The vocabularies the API lists. */
export const vocabularies = ['event_type', 'act_type', 'region', 'article', 'country'] as const

/** GET /api/v1/vocabularies/:vocabulary */
export const vocabularyParams = z.object({
  vocabulary: z.enum(vocabularies, { error: 'validation.invalid' }),
})

const localised = z
  .object({ ru: z.string().optional(), en: z.string().optional(), uk: z.string().optional() })
  .meta({ description: 'A text in up to three languages.' })
const precision = z.enum(['day', 'month', 'year', 'unknown'])
const day = z.string().meta({ format: 'date' })

/** Where we know an event from. */
export const sourceOut = z.object({
  url: z.string().nullable(),
  description: z.string().nullable(),
  publisher: z.string().nullable(),
  publishedOn: day.nullable(),
  reliability: z.enum(['high', 'medium', 'low', 'unknown']),
})

/** An event as the public sees it: redacted (a sensitive one's place and dates are blurred). */
export const eventOut = z.object({
  id: z.number().int(),
  url: z.string().meta({ description: 'The public page of the event.' }),
  title: localised,
  summary: localised,
  type: z.string().nullable().meta({ description: 'An event_type vocabulary code.' }),
  status: z.enum(['verified', 'disputed']),
  start: z.object({ date: day.nullable(), precision }),
  end: z.object({ date: day.nullable(), precision }),
  region: z.string().nullable().meta({
    description:
      'A region vocabulary code (ISO 3166-2 where one exists). Occupied territories keep the code of the country they belong to (UA-43 Crimea, GE-AB Abkhazia) and have `occupied: true` in the region vocabulary.',
  }),
  country: z.string().nullable().meta({
    description:
      'The country, an ISO 3166-1 alpha-2 code (a country vocabulary code); null only for an event with no place.',
  }),
  locality: z.string().nullable(),
  coordinates: z
    .object({ latitude: z.number(), longitude: z.number(), precision: z.string().nullable() })
    .nullable(),
  participants: z.number().int().nullable(),
  participantsQualifier: z.enum(countQualifiers).nullable().meta({
    description:
      'How the participants count is known: exact, a lower bound (at_least) or an estimate (about); null without a count.',
  }),
  detained: z.number().int().nullable(),
  detainedQualifier: z.enum(countQualifiers).nullable().meta({
    description:
      'How the detained count is known: exact, a lower bound (at_least) or an estimate (about); null without a count.',
  }),
  authorised: z.boolean().nullable(),
  subject: z.string().nullable(),
  organisers: z.string().nullable(),
  blurred: z.boolean().meta({ description: 'True when place and dates were coarsened to protect people.' }),
  articles: z.array(z.string()).meta({ description: 'Article vocabulary codes of the cases in this event.' }),
  sources: z.array(sourceOut),
  publishedAt: z.string().meta({ format: 'date-time' }),
  updatedAt: z.string().meta({ format: 'date-time' }),
})

const personKey = z.string().meta({
  description:
    "The person's public page id: acts sharing a key are one person, so a re-import keeps them one.",
})

/** A person as they may be shown: named (with the source that allows it) or described. */
export const personOut = z.discriminatedUnion('shown', [
  z.object({
    shown: z.literal('named'),
    key: personKey,
    kind: z.enum(['individual', 'group']),
    name: localised,
    groupSize: z.number().int().nullable(),
    source: z.string(),
  }),
  z.object({
    shown: z.literal('anonymous'),
    key: personKey,
    kind: z.enum(['individual', 'group']),
    locality: z.string().nullable(),
    age: z.number().int().nullable(),
    groupSize: z.number().int().nullable(),
  }),
])

/** What was done to whom within an event; `person` is null when it may not be shown. */
export const actOut = z.object({
  type: z.string().meta({ description: 'An act_type vocabulary code.' }),
  person: personOut.nullable(),
  case: z
    .object({
      key: z.string().meta({ description: "The case's public page id: acts sharing it share the case." }),
      kind: z.enum(['administrative', 'criminal']),
      status: z.enum(['open', 'closed', 'appeal']),
      outcome: z.string().nullable(),
      court: z.string().nullable(),
      fineMinor: z.number().int().nullable().meta({ description: 'Fine in minor units (kopecks).' }),
      termMonths: z.number().int().nullable(),
      articles: z.array(z.string()),
      articleParts: z
        .array(
          z.object({ article: z.string(), part: z.string().nullable(), paragraph: z.string().nullable() }),
        )
        .meta({
          description: 'Each article with the part and paragraph charged ("ч. 1", "п. а"), if known.',
        }),
    })
    .nullable(),
})

/** One event with its acts. */
export const eventDetailOut = eventOut.extend({ acts: z.array(actOut) })

/** A page of events. */
export const eventPageOut = z.object({
  data: z.array(eventOut),
  next: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last.' }),
  total: z
    .object({
      count: z.number().int().meta({ description: 'How many events match the filter.' }),
      estimated: z.boolean().meta({
        description:
          'True when `count` is an estimate (rounded to two figures): more than 1,000 events match.',
      }),
    })
    .nullable()
    .meta({ description: 'How many events match, on the first page only (null on the following ones).' }),
})

/** A vocabulary's approved terms. */
export const vocabularyOut = z.object({
  vocabulary: z.enum(vocabularies),
  terms: z.array(
    z.object({
      code: z.string(),
      labels: localised,
      extra: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    }),
  ),
})

/**
 * An API query checked against its schema: the typed query, or each parameter's message key. What
 * concerns no one parameter is told under `_query`, as the API has always named it.
 */
export function parseApiQuery<S extends z.ZodType>(schema: S, query: unknown): Parsed<z.infer<S>> {
  const parsed = parseForm(schema, query)
  if (parsed.ok) return parsed
  const { _form, ...fields } = parsed.errors
  return { ok: false, errors: _form === undefined ? fields : { ...fields, _query: _form } }
}
