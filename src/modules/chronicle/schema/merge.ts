/** Schemas of the merge forms: which event to merge (in the confirmation's query and its form). */
import { z } from 'zod'

const id = z
  .string({ error: 'validation.invalid' })
  .regex(/^[1-9]\d{0,15}$/, 'validation.invalid')
  .transform(Number)
const version = z
  .string({ error: 'validation.invalid' })
  .regex(/^[1-9]\d{0,9}$/, 'validation.invalid')
  .transform(Number)
  .pipe(z.number().max(2_000_000_000, 'validation.invalid'))

/** The confirmation page's query: the event to merge into the one in the path. */
export const mergeQuery = z.object({ from: id })

/** The merge form: the event merged in, and the versions of both the editor confirmed. */
export const mergeForm = z.object({ from: id, version, from_version: version })
