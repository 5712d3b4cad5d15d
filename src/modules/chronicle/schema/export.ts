/** What the export routes accept: a filter and a format, and an export job's path. */
import { z } from 'zod'
import { exportFormats } from '../present/export-formats.ts'
import { eventFilterSchema } from './filter.ts'

/** POST /chronicle/exports: the filter of the view to export and the file's format. */
export const exportRequest = eventFilterSchema.extend({ format: z.enum(exportFormats) })
/** /chronicle/exports/:id */
export const exportJobParams = z.object({ id: z.uuid() })
