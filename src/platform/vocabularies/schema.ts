/** The vocabularies' forms: proposing a term and deciding on a proposal (staff pages and JSON API alike). */
import { z } from 'zod'
import { text } from '../validation.ts'
import { vocabularies } from './terms.ts'

// The same shape the public filter accepts, so every term can be filtered on; ASCII only.
const codePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/

/** A proposed term, from the staff form or the JSON API: a code and a label in each language. */
export const proposeTermSchema = z.object({
  vocabulary: z.enum(vocabularies, { error: 'validation.invalid' }),
  code: text(40, { min: 1 }).pipe(z.string().regex(codePattern, 'chronicle.vocabulary.codeFormat')),
  label_ru: text(200, { min: 1 }),
  label_en: text(200, { min: 1 }),
  label_uk: text(200, { min: 1 }),
})
/** A checked proposal. */
export type ProposeTermInput = z.infer<typeof proposeTermSchema>

/** A decision on a proposed term. */
export const decideTermSchema = z.object({
  decision: z.enum(['approve', 'reject'], { error: 'validation.invalid' }),
})
