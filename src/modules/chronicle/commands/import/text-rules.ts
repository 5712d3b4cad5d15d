/** The platform's text() rules applied to imported cells, with a distinct report for broken encodings. */
import type { z } from 'zod'
import { text } from '../../../../platform/validation.ts'

const schemas = new Map<string, z.ZodType<string>>()

/** The cleaned (trimmed) text, or the i18n key of what is wrong with it. */
export function cleanText(raw: string, max: number, multiline = false): string | { error: string } {
  // U+FFFD is what bytes that are not valid in the file's encoding decode to.
  if (raw.includes('\uFFFD')) return { error: 'chronicle.import.error.encoding' }
  const key = `${max}:${multiline}`
  let schema = schemas.get(key)
  if (!schema) {
    schema = text(max, { multiline }) as z.ZodType<string>
    schemas.set(key, schema)
  }
  const result = schema.safeParse(raw)
  if (result.success) return result.data
  const message = result.error.issues[0]?.message ?? 'validation.invalid'
  return { error: message.startsWith('validation.') ? message : 'validation.invalid' }
}
