/**
 * Taking one file per request from a multipart form straight into a stored file (db/stored-files.ts),
 * so that whichever app node handles what comes next can read it, for staff pages that upload (the
 * chronicle's imports; documents and media later).
 *
 * - Only a signed-in member holding `permission` has the body read at all; anyone else gets the 404
 *   everything they may not see answers, before a byte is parsed.
 * - The form's CSRF token must come before its file: a post without a valid one is refused before a
 *   byte of the file is kept (the platform's own check comes only after the whole body).
 * - An upload the handler did not take over (`claim`) — refused, invalid, failed — is deleted before
 *   the answer goes out. A body that can't be read as multipart (cut off, no boundary, a damaged
 *   part) is the uploader's problem: `damaged` answers it, never a 500.
 */
import multipart, { type MultipartFile } from '@fastify/multipart'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Db } from '../db/database.ts'
import { deleteStoredFiles, storeFile } from '../db/stored-files.ts'
import { AppError, badCsrf, notFound } from '../errors.ts'
import { can, type Permission } from '../policy.ts'
import { isValidCsrf } from '../security.ts'

/** An uploaded file as the form's schema receives it: kept in the database under `fileId`. */
export const uploadedFile = z.object({
  fileId: z.uuid(),
  name: z.string(),
  size: z.number(),
  truncated: z.boolean(),
})
/** An uploaded file. */
export type UploadedFile = z.infer<typeof uploadedFile>

/** Where a route hands over the request's upload: from then on, deleting it is the caller's affair. */
export type UploadClaim = (request: FastifyRequest) => void

/**
 * Registers `routes` in a scope of their own, the only one that parses multipart bodies: each request
 * may carry one file, in the field `fileField`, of at most `maxBytes` (a bigger one arrives with
 * `truncated`), stored as a file of `kind`.
 */
export function registerFileUploads(
  app: FastifyInstance,
  options: {
    db: Db
    permission: Permission
    kind: string
    fileField: string
    maxBytes: number
    damaged(request: FastifyRequest, reply: FastifyReply): Promise<unknown>
    routes(scope: FastifyInstance, claim: UploadClaim): void
  },
): void {
  const { db } = options
  // The upload a request is writing or wrote, so that one its handler did not take over is deleted.
  const uploads = new WeakMap<FastifyRequest, { writing: Promise<string | null>; claimed: boolean }>()
  const discard = async (request: FastifyRequest) => {
    const upload = uploads.get(request)
    if (!upload || upload.claimed) return
    upload.claimed = true
    const fileId = await upload.writing
    if (fileId) await deleteStoredFiles(db, [fileId])
  }
  const claim: UploadClaim = (request) => {
    const upload = uploads.get(request)
    if (upload) upload.claimed = true
  }

  app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      const session = request.session
      if (session?.stage !== 'full' || !can(session.roles, options.permission)) throw notFound()
    })
    scope.addHook('onError', async (request) => discard(request))
    scope.addHook('onResponse', async (request) => discard(request))
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      throwFileSizeLimit: false,
      limits: { fileSize: options.maxBytes, files: 1, fields: 8, fieldSize: 1000, parts: 10 },
      async onFile(this: FastifyRequest, part: MultipartFile & { value?: unknown }) {
        // The parser may have read past the file already: the fields' order says what came first.
        const fields = part.fields as Record<string, { value?: unknown } | undefined>
        const order = Object.keys(fields)
        const tokenFirst = order.includes('_csrf') && order.indexOf('_csrf') < order.indexOf(part.fieldname)
        if (!tokenFirst || !isValidCsrf(this, fields._csrf?.value)) {
          part.file.resume()
          throw badCsrf()
        }
        if (part.fieldname !== options.fileField || uploads.has(this)) {
          part.file.resume()
          return
        }
        const writing = storeFile(db, part.file, { kind: options.kind })
        uploads.set(this, { writing: writing.then((stored) => stored.id).catch(() => null), claimed: false })
        const stored = await writing
        part.value = {
          fileId: stored.id,
          name: part.filename.slice(0, 200),
          size: part.file.bytesRead,
          truncated: part.file.truncated,
        } satisfies UploadedFile
      },
    })

    const read = new WeakSet<FastifyRequest>()
    scope.addHook('preValidation', async (request) => void read.add(request))
    scope.setErrorHandler(async (error: FastifyError, request, reply) => {
      const fromParser = !read.has(request) && !(error instanceof AppError) && !error.statusCode
      if (!fromParser) throw error
      request.log.debug({ err: error }, 'damaged upload')
      return options.damaged(request, reply)
    })
    // Whatever the route does, an upload it did not claim is gone once it returns.
    scope.addHook('onSend', async (request) => discard(request))
    options.routes(scope, claim)
  })
}
