/**
 * Form and query validation with zod. One schema per form or endpoint; error messages are i18n keys
 * (`validation.*`), translated when the form is shown again.
 */
import { z } from 'zod'
import { isStrongPassword } from './auth/password-strength.ts'
import { notFound } from './errors.ts'

// U+FFFD is what broken UTF-8 decodes to; control characters have no place in a form field.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const unsafeText = /[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/

// Bidirectional embeddings, overrides and isolates make text read in another order than it is stored
// ("Trojan Source"): on a public page they could make a name, a date or a link say something else.
const bidiControls = /[\u202A-\u202E\u2066-\u2069]/

// A byte order mark is no character at all: editors and spreadsheets leave it anywhere text was joined.
const byteOrderMarks = /\uFEFF/g

/**
 * Trimmed text of at most `max` characters, refusing broken encodings, control characters and
 * bidirectional controls. Byte order marks are dropped; in multi-line text every line ending (CRLF,
 * or a lone CR from old Mac software) becomes LF.
 */
export function text(max: number, options: { min?: number; multiline?: boolean } = {}) {
  return z
    .string({ error: 'validation.required' })
    .transform((value) => {
      const clean = value.replace(byteOrderMarks, '')
      return (options.multiline ? clean.replace(/\r\n?/g, '\n') : clean).trim()
    })
    .pipe(
      z
        .string()
        .min(options.min ?? 0, options.min ? 'validation.required' : undefined)
        .max(max, 'validation.tooLong')
        .refine((value) => !unsafeText.test(value), 'validation.badCharacters')
        .refine((value) => !bidiControls.test(value), 'validation.bidiControls')
        .refine((value) => options.multiline || !/[\r\n]/.test(value), 'validation.badCharacters'),
    )
}

/** An e-mail address, lower-cased. */
export const email = () =>
  text(254, { min: 1 }).pipe(z.email('validation.email').transform((value) => value.toLowerCase()))

/** A new password: 12 to 256 characters. */
export const newPassword = () =>
  z
    .string({ error: 'validation.required' })
    .min(12, 'validation.passwordTooShort')
    .max(256, 'validation.tooLong')
    .refine((value) => !unsafeText.test(value), 'validation.badCharacters')
    .refine((value) => value.length < 12 || isStrongPassword(value), 'validation.passwordWeak')

/** A checkbox group: absent, one value, or many become an array, each value once. */
export const many = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) => [...new Set(value === undefined ? [] : Array.isArray(value) ? value : [value])],
    z.array(item),
  )

/** Field name → i18n key of what is wrong with it. */
export type FieldErrors = Record<string, string>

/** The outcome of checking a form: the typed data, or an error per field. */
export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors }

/** An i18n key and the values of its placeholders. */
export type Message = { key: string; values?: Record<string, string | number> }

// A key as schemas give them ('validation.tooLong', 'chronicle.import.mapping.badName'); zod's own
// English messages have spaces.
const messageKey = /^[a-z][A-Za-z]*(\.[A-Za-z0-9_]+)+$/

const expectedKeys: Record<string, string> = {
  string: 'validation.expectedText',
  number: 'validation.expectedNumber',
  int: 'validation.expectedNumber',
  boolean: 'validation.expectedBoolean',
  object: 'validation.expectedObject',
  record: 'validation.expectedObject',
  array: 'validation.expectedList',
}

const formatKeys: Record<string, string> = {
  url: 'validation.url',
  date: 'validation.date',
  email: 'validation.email',
}

const numberKeys = {
  max: { inclusive: 'validation.maximum', exclusive: 'validation.below' },
  min: { inclusive: 'validation.minimum', exclusive: 'validation.above' },
}

// A too_big or too_small issue: a number's bound, a text's length or a list's size.
function limitMessage(bound: 'max' | 'min', origin: string, limit: number, inclusive: boolean): Message {
  if (origin === 'number' || origin === 'int' || origin === 'bigint')
    return { key: numberKeys[bound][inclusive ? 'inclusive' : 'exclusive'], values: { limit } }
  const max = bound === 'max'
  // Lengths and sizes are whole: fewer than 5 is at most 4.
  const count = inclusive ? limit : max ? limit - 1 : limit + 1
  if (origin === 'string' && !max && count <= 1) return { key: 'validation.required' }
  if (origin === 'string')
    return { key: max ? 'validation.maxLength' : 'validation.minLength', values: { count } }
  if (origin === 'array' || origin === 'set')
    return { key: max ? 'validation.maxItems' : 'validation.minItems', values: { count } }
  return { key: max ? 'validation.tooLong' : 'validation.invalid' }
}

/**
 * What a zod issue says, as a message to translate: the key the schema gave, else one chosen by the
 * issue's code with its limits as values, so zod's English never reaches a page. A missing value is
 * told from a wrong one only when the schema was run with `reportInput: true`.
 */
export function issueMessage(issue: z.core.$ZodIssue): Message {
  if (messageKey.test(issue.message)) return { key: issue.message }
  switch (issue.code) {
    case 'invalid_type':
      if ('input' in issue && issue.input === undefined) return { key: 'validation.required' }
      return { key: expectedKeys[issue.expected] ?? 'validation.invalid' }
    case 'too_big':
      return limitMessage('max', issue.origin, Number(issue.maximum), issue.inclusive !== false)
    case 'too_small':
      return limitMessage('min', issue.origin, Number(issue.minimum), issue.inclusive !== false)
    case 'invalid_value':
      return { key: 'validation.oneOf', values: { values: issue.values.map(String).join(', ') } }
    case 'unrecognized_keys':
      return {
        key: 'validation.unknownKeys',
        values: { count: issue.keys.length, keys: issue.keys.join(', ') },
      }
    case 'invalid_format':
      return { key: formatKeys[issue.format] ?? 'validation.format' }
    default:
      return { key: 'validation.invalid' }
  }
}

/** Checks a form body (or query) against a schema. */
export function parseForm<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.infer<S>> {
  const result = schema.safeParse(input ?? {})
  if (result.success) return { ok: true, data: result.data }
  const errors: FieldErrors = {}
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form')
    // A schema's own key ('validation.tooLong', 'helpdesk.form.badTime'); zod's English never shows.
    errors[field] ??= messageKey.test(issue.message) ? issue.message : 'validation.invalid'
  }
  return { ok: false, errors }
}

/**
 * A route's path parameters, checked against their schema. A malformed id names nothing that exists,
 * so it answers the same 404 as a well-formed id that isn't there.
 */
export function parseParams<S extends z.ZodType>(schema: S, params: unknown): z.infer<S> {
  const result = schema.safeParse(params)
  if (!result.success) throw notFound()
  return result.data
}
