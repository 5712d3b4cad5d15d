/**
 * The editable text form: per language a title and a Markdown body, any of which may be empty (a text
 * cleared shows nothing), and the version the editor opened.
 */
import { z } from 'zod'
import { text } from '../validation.ts'

/** The longest title, in characters: a heading, not a paragraph. */
export const TITLE_MAX = 200
/** The longest body: a printed page holds about 3,500 characters; this leaves room for a long guide. */
export const BODY_MAX = 20_000

const title = text(TITLE_MAX)
const body = text(BODY_MAX, { multiline: true })

// Digits only: Number() would also read "0x1f", "1e3" or " 7 " as a version.
const version = z
  .string({ error: 'validation.invalid' })
  .regex(/^\d{1,10}$/, 'validation.invalid')
  .transform(Number)
  .pipe(z.number().min(1, 'validation.invalid').max(2_000_000_000, 'validation.invalid'))

/** An edited text, with the version it was edited from. */
export const textFormSchema = z.object({
  version,
  title_ru: title,
  body_ru: body,
  title_uk: title,
  body_uk: body,
  title_en: title,
  body_en: body,
})
/** An edited text, checked. */
export type TextForm = z.infer<typeof textFormSchema>
