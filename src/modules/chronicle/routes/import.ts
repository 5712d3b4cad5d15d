/**
 * Staff import pages under /staff/chronicle/import: upload a CSV or NDJSON file with a saved mapping
 * for a dry run or an import, follow the job, run the import a dry run checked, run an interrupted job
 * again, save mappings.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit } from '../../../platform/audit.ts'
import { notFound, platformErrors } from '../../../platform/errors.ts'
import { followsJob } from '../../../platform/html/progress.ts'
import { registerFileUploads, type UploadClaim } from '../../../platform/intake/file-upload.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { can } from '../../../platform/policy.ts'
import { actor, pageContext, sendPage } from '../../../platform/request-context.ts'
import { parseForm, parseParams } from '../../../platform/validation.ts'
import {
  findImportJob,
  importCheckedFile,
  recentImportJobs,
  retryImportJob,
  startImportJob,
} from '../commands/import/jobs.ts'
import {
  describeProblems,
  type Mapping,
  MappingError,
  parseMappingText,
  saveMapping,
} from '../commands/import/mapping.ts'
import { recoverImports } from '../commands/import/run-job.ts'
import { errors } from '../errors.ts'
import { importPage } from '../pages/import.ts'
import { importJobPage } from '../pages/import-job.ts'
import { EDIT_CHRONICLE, REVIEW_CHRONICLE } from '../policy.ts'
import { findMapping, listMappings } from '../queries/import-mappings.ts'
import { jobParams, mappingForm, runForm, uploadForm } from '../schema/import.ts'

/** The largest file the page accepts; bigger imports go through `lifeline chronicle import`. */
export const uploadLimitBytes = 64 * 1024 * 1024

/** Registers the import pages. */
export function registerImportRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const config = { policy: { permission: EDIT_CHRONICLE } }
  // Runs left 'running' by a process that is gone show as interrupted from the first page on.
  app.addHook('onReady', () => recoverImports(deps.store))

  // A mapping that publishes skips review, so only reviewers may run it for real.
  const mayRun = (request: FastifyRequest, mapping: Mapping) =>
    !mapping.publish || can(request.session?.roles ?? [], REVIEW_CHRONICLE)

  const showPage = async (
    request: FastifyRequest,
    extra: {
      errors?: Record<string, string>
      mappingErrors?: string[]
      values?: Record<string, string>
      notice?: string
    } = {},
  ) =>
    importPage(pageContext(request), {
      mappings: await listMappings(db),
      jobs: await recentImportJobs(db),
      errors: extra.errors ?? {},
      mappingErrors: extra.mappingErrors,
      values: extra.values,
      notice: extra.notice,
      uploadLimitMb: uploadLimitBytes / 1024 / 1024,
    })

  app.get<{ Querystring: { saved?: string } }>(
    '/staff/chronicle/import',
    { config },
    async (request, reply) => {
      const notice = request.query.saved ? request.t('chronicle.import.page.mappingSaved') : undefined
      return sendPage(reply, await showPage(request, { notice }))
    },
  )

  // Checks an upload and starts its job; the upload is the job's from then on.
  const receive = async (request: FastifyRequest, reply: FastifyReply, claim: UploadClaim) => {
    const form = parseForm(uploadForm, request.body)
    const values = { mapping: String((request.body as Record<string, unknown> | undefined)?.mapping ?? '') }
    if (!form.ok) return sendPage(reply, await showPage(request, { errors: form.errors, values }), 400)
    const { file } = form.data
    const problems: Record<string, string> = {}
    if (!file?.size) problems.file = 'chronicle.import.page.fileMissing'
    else if (file.truncated) throw errors.ERR_IMPORT_TOO_LARGE()
    const mapping = await findMapping(db, form.data.mapping)
    if (!mapping) problems.mapping = 'chronicle.import.page.mappingUnknown'
    if (!file || !mapping || Object.keys(problems).length)
      return sendPage(reply, await showPage(request, { errors: problems, values }), 400)
    const dryRun = form.data.mode === 'dry'
    if (!dryRun && !mayRun(request, mapping)) throw errors.ERR_IMPORT_PUBLISH_FORBIDDEN()
    claim(request)
    const id = await startImportJob(db, {
      fileId: file.fileId,
      actorId: actor(request).user.id,
      params: {
        mapping,
        fileName: file.name,
        totalBytes: file.size,
        dryRun,
        partial: form.data.partial,
        blankUnknown: form.data.blankUnknown,
      },
    })
    return reply.redirect(`/staff/chronicle/import/jobs/${id}`, 303)
  }

  // The upload lives in its own scope, the only one that parses multipart bodies.
  registerFileUploads(app, {
    db,
    permission: EDIT_CHRONICLE,
    kind: 'chronicle-import',
    fileField: 'file',
    maxBytes: uploadLimitBytes,
    damaged: async (request, reply) => {
      const errors = { file: 'chronicle.import.page.fileDamaged' }
      return sendPage(reply, await showPage(request, { errors, values: { mapping: '' } }), 400)
    },
    routes: (scope, claim) => {
      scope.post('/staff/chronicle/import', { config }, (request, reply) => receive(request, reply, claim))
    },
  })

  const job = async (request: FastifyRequest) => {
    const found = await findImportJob(db, parseParams(jobParams, request.params).id)
    if (!found) throw notFound()
    return found
  }

  app.get('/staff/chronicle/import/jobs/:id', { config }, async (request, reply) =>
    sendPage(reply, importJobPage(pageContext(request), await job(request), followsJob(request.query))),
  )

  app.post('/staff/chronicle/import/jobs/:id/run', { config }, async (request, reply) => {
    const checked = await job(request)
    const form = parseForm(runForm, request.body)
    if (!form.ok) throw platformErrors.ERR_BAD_REQUEST()
    // Only a finished dry run whose file is still there can be imported; each file only once.
    if (!checked.params.dryRun || checked.state !== 'done' || !checked.fileId || checked.report?.fileError)
      throw errors.ERR_IMPORT_NOT_READY()
    if (!mayRun(request, checked.params.mapping)) throw errors.ERR_IMPORT_PUBLISH_FORBIDDEN()
    const { fileId } = checked
    const id = await importCheckedFile(
      db,
      { ...checked, fileId },
      {
        actorId: actor(request).user.id,
        choices: form.data,
      },
    )
    if (!id) throw errors.ERR_IMPORT_NOT_READY()
    return reply.redirect(`/staff/chronicle/import/jobs/${id}`, 303)
  })

  // Only an interrupted job whose kept file is still there, and only once; re-importing is safe.
  app.post('/staff/chronicle/import/jobs/:id/retry', { config }, async (request, reply) => {
    const interrupted = await job(request)
    if (!interrupted.interrupted || !interrupted.fileId) throw errors.ERR_IMPORT_NOT_INTERRUPTED()
    if (!interrupted.params.dryRun && !mayRun(request, interrupted.params.mapping))
      throw errors.ERR_IMPORT_PUBLISH_FORBIDDEN()
    const id = await retryImportJob(db, interrupted, actor(request).user.id)
    if (!id) throw errors.ERR_IMPORT_NOT_INTERRUPTED()
    return reply.redirect(`/staff/chronicle/import/jobs/${id}`, 303)
  })

  app.post('/staff/chronicle/import/mappings', { config }, async (request, reply) => {
    const form = parseForm(mappingForm, request.body)
    const values = {
      mappingJson: String((request.body as Record<string, unknown> | undefined)?.mappingJson ?? ''),
    }
    if (!form.ok)
      return sendPage(
        reply,
        await showPage(request, {
          mappingErrors: Object.values(form.errors).map((key) => request.t(key)),
          values,
        }),
        400,
      )
    let mapping: Mapping
    try {
      mapping = parseMappingText(form.data.mappingJson)
    } catch (error) {
      if (!(error instanceof MappingError)) throw error
      const mappingErrors = describeProblems(request.t, error.problems)
      return sendPage(reply, await showPage(request, { mappingErrors, values }), 400)
    }
    if (!mayRun(request, mapping)) throw errors.ERR_IMPORT_PUBLISH_FORBIDDEN()
    const actorId = actor(request).user.id
    await db.transaction().execute(async (trx) => {
      await saveMapping(trx, mapping, actorId)
      await audit(trx, { actorId, action: 'chronicle.mapping_saved', target: mapping.name })
    })
    return reply.redirect('/staff/chronicle/import?saved=1', 303)
  })
}
