/**
 * Form and query validation with zod. One schema per form or endpoint; error messages are i18n keys
 * (`validation.*`), translated when the form is shown again.
 */
import { z } from 'zod'

// U+FFFD is what broken UTF-8 decodes to; control characters have no place in a form field.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const unsafeText = /[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/

/** Trimmed text of at most `max` characters, refusing broken encodings and control characters. */
export function text(max: number, options: { min?: number; multiline?: boolean } = {}) {
  return z
    .string({ error: 'validation.required' })
    .transform((value) => (options.multiline ? value.replace(/\r\n/g, '\n') : value).trim())
    .pipe(
      z
        .string()
        .min(options.min ?? 0, options.min ? 'validation.required' : undefined)
        .max(max, 'validation.tooLong')
        .refine((value) => !unsafeText.test(value), 'validation.badCharacters')
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

/** Checks a form body (or query) against a schema. */
export function parseForm<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.infer<S>> {
  const result = schema.safeParse(input ?? {})
  if (result.success) return { ok: true, data: result.data }
  const errors: FieldErrors = {}
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form')
    errors[field] ??= issue.message.startsWith('validation.') ? issue.message : 'validation.invalid'
  }
  return { ok: false, errors }
}
