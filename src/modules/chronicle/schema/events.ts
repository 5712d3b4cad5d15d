/**
 * Schemas for the staff forms of the chronicle's events and sources: one per action, used by the
 * HTML forms and, unchanged, by the JSON API. Error messages are i18n keys (`validation.*` or
 * `chronicle.staff.errors.*`), translated when the form is shown again.
 */
import { z } from 'zod'
import { atPrecision, type Precision, precisions } from '../../../platform/dates/precision.ts'
import { text } from '../../../platform/validation.ts'
import { countQualifiers } from './event-fields.ts'

/** The three languages a title or summary may be written in. */
export const textLanguages = ['ru', 'en', 'uk'] as const
/** How exactly coordinates place an event. */
export const coordPrecisions = ['exact', 'street', 'locality', 'region'] as const
/** How far a source can be trusted. */
export const reliabilities = ['high', 'medium', 'low', 'unknown'] as const
/** Whether the authorities had allowed the action. */
export const authorisedValues = ['unknown', 'yes', 'no'] as const
/** Review statuses. */
export const statuses = ['reported', 'verified', 'disputed'] as const

const error = (key: string) => `chronicle.staff.errors.${key}`
const code = z.string().regex(/^[\w.-]{1,40}$/, 'validation.invalid')
const optionalCode = z.union([z.literal(''), code]).transform((value) => value || null)
const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: 'validation.invalid' })

// A calendar day between 1900 and 2100, or nothing; typed dates outside that are slips of the keyboard.
const optionalDay = z
  .union([z.literal(''), z.iso.date('validation.date')], { error: 'validation.date' })
  .refine((value) => !value || (value >= '1900-01-01' && value <= '2100-12-31'), error('dateRange'))
  .transform((value) => value || null)

// A count typed by a person: digits, maybe with spaces between thousands.
const optionalCount = z
  .string({ error: 'validation.invalid' })
  .transform((value) => value.replace(/[\s\u00a0\u202f]/g, ''))
  .refine((value) => /^\d{0,9}$/.test(value), error('count'))
  .transform((value) => (value === '' ? null : Number(value)))
  .refine((value) => value === null || value <= 100_000_000, error('count'))

const coordinate = (limit: number) =>
  z
    .string({ error: 'validation.invalid' })
    .transform((value) => value.trim().replace(',', '.'))
    .refine((value) => value === '' || /^-?\d{1,3}(\.\d{1,10})?$/.test(value), error('coordinate'))
    .transform((value) => (value === '' ? null : Number(value)))
    .refine((value) => value === null || Math.abs(value) <= limit, error('coordinate'))

// A date stored with its precision, so sorting and the statistics' monthly buckets see one value per
// month or year.
function storedDate(date: string | null, precision: Precision): string | null {
  return date ? atPrecision(date, precision) : null
}

/** The fields of an event as the form sends them (every one of them, so a form shows them all). */
const eventShape = {
  title_ru: text(300),
  title_en: text(300),
  title_uk: text(300),
  summary_ru: text(5000, { multiline: true }),
  summary_en: text(5000, { multiline: true }),
  summary_uk: text(5000, { multiline: true }),
  type: code.or(z.literal('').transform(() => null)),
  start_date: optionalDay,
  start_precision: choice(precisions),
  end_date: optionalDay,
  end_precision: choice(precisions),
  // Absent (a client that predates countries): taken from the region, else Russia for a place.
  country: z.union([z.literal(''), code]).optional(),
  region: optionalCode,
  locality: text(200),
  latitude: coordinate(90),
  longitude: coordinate(180),
  coord_precision: z.union([z.literal(''), choice(coordPrecisions)]).transform((value) => value || null),
  participants: optionalCount,
  // How each count is known; absent (a client that doesn't send it) keeps what the event has.
  participants_qualifier: choice(countQualifiers).optional(),
  detained: optionalCount,
  detained_qualifier: choice(countQualifiers).optional(),
  authorised: choice(authorisedValues),
  subject: text(1000, { multiline: true }),
  organisers: text(1000, { multiline: true }),
  // A checkbox: present ('1', or a browser's default 'on') when ticked, absent otherwise.
  sensitive: z
    .enum(['1', 'on', 'true'], { error: 'validation.invalid' })
    .optional()
    .transform((value) => value !== undefined),
}

type EventShape = z.infer<z.ZodObject<typeof eventShape>>

// The rules that tie fields together; each issue is reported next to the field to correct.
function checkEvent(event: EventShape, ctx: z.RefinementCtx) {
  const issue = (path: string, key: string) =>
    ctx.addIssue({ code: 'custom', path: [path], message: error(key) })
  if (!event.title_ru && !event.title_en && !event.title_uk) issue('title_ru', 'titleNeeded')
  if (!event.type) issue('type', 'typeNeeded')
  for (const end of ['start', 'end'] as const) {
    const date = event[`${end}_date`]
    const precision = event[`${end}_precision`]
    if (date && precision === 'unknown') issue(`${end}_precision`, 'precisionNeeded')
    if (!date && precision !== 'unknown') issue(`${end}_date`, 'dateNeeded')
  }
  if (event.end_date && !event.start_date) issue('start_date', 'dateNeeded')
  const start = storedDate(event.start_date, event.start_precision)
  const end = storedDate(event.end_date, event.end_precision)
  if (start && end && end < start) issue('end_date', 'endBeforeStart')
  if ((event.latitude === null) !== (event.longitude === null))
    issue(event.latitude === null ? 'latitude' : 'longitude', 'coordinatesPair')
  if (event.latitude !== null && !event.coord_precision) issue('coord_precision', 'coordPrecisionNeeded')
  if (event.latitude === null && event.coord_precision) issue('latitude', 'coordinatesNeeded')
}

// Dates stored as the precision says; empty texts as null.
function normaliseEvent(event: EventShape) {
  return {
    ...event,
    type: event.type as string,
    // undefined: not sent; null: sent empty (no place); a code: chosen. See save-event.ts.
    country: event.country === undefined ? undefined : event.country || null,
    start_date: storedDate(event.start_date, event.start_precision),
    end_date: storedDate(event.end_date, event.end_precision),
    locality: event.locality || null,
    subject: event.subject || null,
    organisers: event.organisers || null,
  }
}

const sourceShape = {
  url: text(2000)
    .refine((value) => value === '' || /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(value), error('url'))
    .transform((value) => value || null),
  description: text(2000, { multiline: true }).transform((value) => value || null),
  publisher: text(200).transform((value) => value || null),
  published_on: optionalDay,
  reliability: choice(reliabilities),
}

/** A source: where we know an event from. A URL or a description is needed. */
export const sourceForm = z.object(sourceShape).superRefine((source, ctx) => {
  if (!source.url && !source.description)
    ctx.addIssue({ code: 'custom', path: ['url'], message: error('sourceNeeded') })
})

/** A new event with its first source (`source_*` fields): every event has at least one. */
export const createEventForm = z
  .object({
    ...eventShape,
    source_url: sourceShape.url,
    source_description: sourceShape.description,
    source_publisher: sourceShape.publisher,
    source_published_on: sourceShape.published_on,
    source_reliability: sourceShape.reliability,
  })
  .superRefine((form, ctx) => {
    checkEvent(form, ctx)
    if (!form.source_url && !form.source_description)
      ctx.addIssue({ code: 'custom', path: ['source_url'], message: error('sourceNeeded') })
  })
  .transform((form) => ({
    event: normaliseEvent(form),
    source: {
      url: form.source_url,
      description: form.source_description,
      publisher: form.source_publisher,
      published_on: form.source_published_on,
      reliability: form.source_reliability,
    },
  }))

// The version the editor started from: saving over a newer one is refused with a warning. Digits
// only, as Number() would also read "0x1f", "1e3" or " 7 " as a version.
const digits = z
  .string()
  .regex(/^\d{1,10}$/)
  .transform(Number)
const version = z
  .union([z.int(), digits], { error: 'validation.invalid' })
  .pipe(z.number().min(1, 'validation.invalid').max(2_000_000_000, 'validation.invalid'))

/** Changes to an event, with the version they were made on. */
export const updateEventForm = z
  .object({ ...eventShape, version })
  .superRefine(checkEvent)
  .transform((form) => {
    const { version: base, ...event } = form
    return { version: base, event: normaliseEvent(event as EventShape) }
  })

/** An event's editable fields, normalised, as the commands take them. */
export type EventFormInput = ReturnType<typeof normaliseEvent>
/** A source as the commands take it. */
export type SourceFormInput = z.infer<typeof sourceForm>

/** A review action (verify, dispute, publish) names the version the reviewer looked at. */
export const reviewForm = z.object({ version })

/** The staff list's filters: status, published or not, a text search, and the keyset cursor. */
export const staffListQuery = z.object({
  status: z.union([z.literal(''), choice(statuses)]).optional(),
  published: z
    .union([z.literal(''), z.literal('yes'), z.literal('no')], { error: 'validation.invalid' })
    .optional(),
  q: text(200).optional(),
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
})

const id = z
  .string()
  .regex(/^[1-9]\d{0,14}$/)
  .transform(Number)

/** An event id in a path. */
export const staffEventParams = z.object({ id })
/** An event's source in a path. */
export const sourceParams = z.object({ id, sourceId: id })
/** Two versions of an event to compare. */
export const compareQuery = z.object({ a: id, b: id })
