/**
 * Exports of any filtered view as CSV, NDJSON or JSON. Up to a threshold they stream straight from
 * the database in keyset batches; above it a page offers a background job with a progress page.
 */
import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { z } from 'zod'
import { findStoredFile, readStoredFile } from '../../../platform/db/stored-files.ts'
import { AppError, notFound } from '../../../platform/errors.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { pageContext, sendPage } from '../../../platform/request-context.ts'
import { exportChunks } from '../commands/export/stream.ts'
import { EXPORT_KEEP_MS, EXPORT_STALE_MS } from '../jobs/export.ts'
import { exportProgressPage, largeExportPage } from '../pages/export.ts'
import { type ExportFormat, exportFormats, mediaTypes } from '../present/export-formats.ts'
import { countEvents } from '../queries/api-events.ts'
import { moreThan } from '../queries/events.ts'
import { type EventFilter, eventFilterSchema, resolveFilter } from '../queries/filters.ts'

/** Exports above this many rows run as background jobs unless the settings say otherwise. */
export const DEFAULT_JOB_ROWS = 100_000
/** Queued or running exports beyond which new ones are refused for a while. */
const MAX_WAITING_EXPORTS = 20

/** The row count above which an export becomes a background job (LIFELINE_EXPORT_JOB_ROWS). */
export function jobThreshold(env: ModuleDeps['env']): number {
  return (env as { LIFELINE_EXPORT_JOB_ROWS?: number }).LIFELINE_EXPORT_JOB_ROWS ?? DEFAULT_JOB_ROWS
}

/** The filter with empty parts dropped and lists sorted, so equal filters compare equal. */
function normalised(filter: EventFilter): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [key, value] of Object.entries(filter)) {
    if (Array.isArray(value)) {
      if (value.length) out[key] = [...value].sort()
    } else if (value) out[key] = value
  }
  return out
}

const exportRequest = eventFilterSchema.extend({ format: z.enum(exportFormats) })
const jobParams = z.object({ id: z.uuid() })

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
        const parsed = eventFilterSchema.safeParse(request.query)
        if (!parsed.success) throw new AppError('ERR_INVALID_QUERY', 400)
        const filter = await resolveFilter(db, parsed.data)
        const threshold = jobThreshold(deps.env)
        if (await moreThan(db, filter, threshold)) {
          const page = largeExportPage(pageContext(request), {
            format,
            atLeast: threshold,
            filter: normalised(parsed.data),
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
            .send(Readable.from(exportChunks(db, filter, format, { publicUrl }), { highWaterMark: 1 }))
        )
      },
    )
  }

  app.post(
    '/chronicle/exports',
    { config: { policy: 'public', rateLimit: { max: 10, timeWindow: '1 hour' } } },
    async (request, reply) => {
      const parsed = exportRequest.safeParse(request.body)
      if (!parsed.success) throw new AppError('ERR_INVALID_QUERY', 400)
      const { format, ...filter } = parsed.data
      const params = { format, filter: normalised(filter), publicUrl }
      // The same export asked for again (or by someone else) while one is waiting or fresh: reuse it.
      const known = await db
        .selectFrom('chronicle_jobs')
        .select('id')
        .where('kind', '=', 'export')
        .where(sql<boolean>`params = ${JSON.stringify(params)}::jsonb`)
        .where((eb) =>
          eb.or([
            eb.and([
              eb('state', 'in', ['queued', 'running']),
              eb('created_at', '>', new Date(Date.now() - EXPORT_STALE_MS)),
            ]),
            eb.and([
              eb('state', '=', 'done'),
              eb('file_id', 'is not', null),
              eb('finished_at', '>', new Date(Date.now() - EXPORT_KEEP_MS / 2)),
            ]),
          ]),
        )
        .orderBy('created_at', 'desc')
        .executeTakeFirst()
      if (known) return reply.redirect(`/chronicle/exports/${known.id}`, 303)
      const waiting = await db
        .selectFrom('chronicle_jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', '=', 'export')
        .where('state', 'in', ['queued', 'running'])
        .executeTakeFirstOrThrow()
      if (Number(waiting.n) >= MAX_WAITING_EXPORTS) throw new AppError('ERR_EXPORTS_BUSY', 503)
      const id = randomUUID()
      const total = await countEvents(db, await resolveFilter(db, filter))
      await db
        .insertInto('chronicle_jobs')
        .values({
          id,
          kind: 'export',
          params: JSON.stringify(params),
          total_rows: total,
          result: null,
          created_by: request.session?.stage === 'full' ? request.session.user.id : null,
          finished_at: null,
        })
        .execute()
      return reply.redirect(`/chronicle/exports/${id}`, 303)
    },
  )

  const findJob = async (id: unknown) => {
    const parsed = jobParams.safeParse({ id })
    if (!parsed.success) throw notFound()
    const job = await db
      .selectFrom('chronicle_jobs')
      .select(['id', 'state', 'params', 'done_rows', 'total_rows', 'file_id'])
      .where('id', '=', parsed.data.id)
      .where('kind', '=', 'export')
      .executeTakeFirst()
    if (!job) throw notFound()
    const format = (job.params as { format?: ExportFormat }).format ?? 'csv'
    const file = job.file_id ? await findStoredFile(db, job.file_id) : null
    return { ...job, format, file, available: !!file }
  }

  app.get('/chronicle/exports/:id', { config: { policy: 'public' } }, async (request, reply) => {
    const job = await findJob((request.params as { id: string }).id)
    // Browsers reload a page sent with Refresh, so progress shows without JavaScript.
    if (job.state === 'queued' || job.state === 'running') reply.header('refresh', '5')
    const page = exportProgressPage(pageContext(request), {
      id: job.id,
      state: job.state,
      format: job.format,
      done: Number(job.done_rows),
      total: job.total_rows === null ? null : Number(job.total_rows),
      available: job.available,
    })
    return sendPage(reply, page)
  })

  app.get('/chronicle/exports/:id/download', { config: { policy: 'public' } }, async (request, reply) => {
    const job = await findJob((request.params as { id: string }).id)
    if (job.state !== 'done' || !job.file) throw notFound()
    // With the length declared, a file deleted part-way (its day over) reaches the client as cut short.
    return reply
      .type(mediaTypes[job.format])
      .header('content-length', job.file.size)
      .header(
        'content-disposition',
        `attachment; filename="chronicle-export-${job.id.slice(0, 8)}.${job.format}"`,
      )
      .send(readStoredFile(db, job.file))
  })
}
