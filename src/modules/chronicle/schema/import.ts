/** The import forms: upload (multipart), run after a dry run, save a mapping. */
import { z } from 'zod'
import { uploadedFile } from '../../../platform/intake/file-upload.ts'
import { text } from '../../../platform/validation.ts'

const flag = z
  .literal('1')
  .optional()
  .transform((value) => value === '1')

/** The upload form. */
export const uploadForm = z.object({
  mapping: text(100, { min: 1 }),
  mode: z.enum(['dry', 'import'], { error: 'validation.invalid' }),
  partial: flag,
  blankUnknown: flag,
  file: uploadedFile.optional(),
})

/** Running the import a dry run checked. */
export const runForm = z.object({ partial: flag, blankUnknown: flag })

/** Saving a mapping: its JSON text. */
export const mappingForm = z.object({ mappingJson: text(100_000, { min: 1, multiline: true }) })

/** A job's id in the path. */
export const jobParams = z.object({ id: z.uuid() })
