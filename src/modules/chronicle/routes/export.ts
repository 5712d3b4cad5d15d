/**
 * Exports of any filtered view as CSV, NDJSON or JSON. Up to a threshold they stream straight from
 * the database in keyset batches; above it a page offers a background job with a progress page.
 */

import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { readStoredFile } from '../../../platform/db/stored-files.ts'
import { notFound } from '../../../platform/errors.ts'
import { followsJob } from '../../../platform/html/progress.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { pageContext, sendPage } from '../../../platform/request-context.ts'
import { parseParams } from '../../../platform/validation.ts'
import { normalisedFilter, requestExport } from '../commands/export/request-export.ts'
import { exportChunks } from '../commands/export/stream.ts'
import { errors } from '../errors.ts'
import { exportProgressPage, largeExportPage } from '../pages/export.ts'
import { exportFormats, mediaTypes } from '../present/export-formats.ts'
import { moreThan } from '../queries/events.ts'
import { findExportJob } from '../queries/export-jobs.ts'
import { resolveFilter } from '../queries/filters.ts'
import { exportDownloadQuery, exportJobParams, exportQuery, exportRequest } from '../schema/export.ts'

/** Exports above this many rows run as background jobs unless the settings say otherwise. */
export const DEFAULT_JOB_ROWS = 100_000
/** The row count above which an export becomes a background job (LIFELINE_EXPORT_JOB_ROWS). */
export function jobThreshold(env: ModuleDeps['env']): number {
  return (env as { LIFELINE_EXPORT_JOB_ROWS?: number }).LIFELINE_EXPORT_JOB_ROWS ?? DEFAULT_JOB_ROWS
}

/** Registers the export routes. */
export function registerExportRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const { publicUrl } = deps.env
  // Each export reads the whole filtered chronicle: a tighter limit than pages have.
  const rateLimit = { max: 20, timeWindow: '1 minute' }

  for (const format of exportFormats) {
    app.get(
      `/chronicle/export.${format}`,
      { config: { policy: 'public', rateLimit } },
      async (request, reply) => {
        const parsed = exportQuery.safeParse(request.query)
        if (!parsed.success) throw errors.ERR_INVALID_QUERY()
        const { bom, ...query } = parsed.data
        const filter = await resolveFilter(db, query)
        const threshold = jobThreshold(deps.env)
        if (await moreThan(db, filter, threshold)) {
          const page = largeExportPage(pageContext(request), {
            format,
            atLeast: threshold,
            filter: normalisedFilter(query),
          })
          return sendPage(reply, page)
        }
        const day = new Date().toISOString().slice(0, 10)
        return (
          reply
            .type(mediaTypes[format])
            .header('content-disposition', `attachment; filename="chronicle-${day}.${format}"`)
            .header('access-control-allow-origin', '*')
            // One chunk (a batch of events) waits at most for a slow client, so memory stays flat.
            .send(
              Readable.from(
                exportChunks(db, filter, format, { publicUrl, bom: format === 'csv' && bom === '1' }),
                { highWaterMark: 1 },
              ),
            )
        )
      },
    )
  }

  app.post(
    '/chronicle/exports',
    { config: { policy: 'public', rateLimit: { max: 10, timeWindow: '1 hour' } } },
    async (request, reply) => {
      const parsed = exportRequest.safeParse(request.body)
      if (!parsed.success) throw errors.ERR_INVALID_QUERY()
      const { format, ...filter } = parsed.data
      const createdBy = request.session?.stage === 'full' ? request.session.user.id : null
      const id = await requestExport(db, { format, filter, publicUrl, createdBy })
      return reply.redirect(`/chronicle/exports/${id}`, 303)
    },
  )

  const findJob = async (request: FastifyRequest) => {
    const job = await findExportJob(db, parseParams(exportJobParams, request.params).id)
    if (!job) throw notFound()
    return job
  }

  app.get('/chronicle/exports/:id', { config: { policy: 'public' } }, async (request, reply) => {
    const job = await findJob(request)
    const page = exportProgressPage(
      pageContext(request),
      {
        id: job.id,
        state: job.state,
        format: job.format,
        done: Number(job.done_rows),
        total: job.total_rows === null ? null : Number(job.total_rows),
        available: job.available,
      },
      followsJob(request.query),
    )
    return sendPage(reply, page)
  })

  app.get('/chronicle/exports/:id/download', { config: { policy: 'public' } }, async (request, reply) => {
    const job = await findJob(request)
    if (job.state !== 'done' || !job.file) throw notFound()
    const parsed = exportDownloadQuery.safeParse(request.query)
    if (!parsed.success) throw errors.ERR_INVALID_QUERY()
    const bom = job.format === 'csv' && parsed.data.bom === '1'
    const file = readStoredFile(db, job.file)
    // With the length declared, a file deleted part-way (its day over) reaches the client as cut short.
    return reply
      .type(mediaTypes[job.format])
      .header('content-length', job.file.size + (bom ? BOM.length : 0))
      .header(
        'content-disposition',
        `attachment; filename="chronicle-export-${job.id.slice(0, 8)}.${job.format}"`,
      )
      .send(bom ? Readable.from(withBom(file)) : file)
  })
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf])

// A stored file with a byte order mark before its first byte.
async function* withBom(file: Readable): AsyncGenerator<Buffer> {
  yield BOM
  for await (const chunk of file) yield chunk as Buffer
}
