/** What the export routes accept: a filter and a format, and an export job's path. */
import { z } from 'zod'
import { exportFormats } from '../present/export-formats.ts'
import { eventFilterSchema } from './filter.ts'

/** POST /chronicle/exports: the filter of the view to export and the file's format. */
export const exportRequest = eventFilterSchema.extend({ format: z.enum(exportFormats) })
// ?bom=1: a byte order mark first, for spreadsheet programs that take UTF-8 only with one (CSV only).
const bom = z.literal('1', { error: 'validation.invalid' }).optional()

/** GET /chronicle/export.{format}: the filter of the view, and whether to start with a byte order mark. */
export const exportQuery = eventFilterSchema.extend({ bom })
/** GET /chronicle/exports/:id/download: whether to start the file with a byte order mark. */
export const exportDownloadQuery = z.object({ bom })
/** /chronicle/exports/:id */
export const exportJobParams = z.object({ id: z.uuid() })
