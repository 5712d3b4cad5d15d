/**
 * A public form's multipart body with photos (the help desk's report forms; any intake that takes
 * photos), read part by part as it arrives instead of buffered whole first:
 *
 * - a file is read only after a valid CSRF token came in an earlier field (the form puts `_csrf` and
 *   `token` first); a file before it stops reading there, so a forged post costs no memory;
 * - only `photo` may carry a file; a file under another name marks the body as damaged;
 * - photos take their share of the server's photo memory (photos.ts) before the first is read; when it
 *   is taken they are skipped unread and the rest of the form is still read, so the writer gets every
 *   answer back with "try again in a minute";
 * - a body that can't be read as a form to its end (cut off, malformed, over the parser's limits) is
 *   reported as damaged with the answers read so far, never thrown as a server error.
 */
import type { Multipart, MultipartFile } from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import { isValidCsrf } from '../security.ts'
import { MAX_PHOTO_BYTES, MAX_PHOTOS, type PhotoAdmission } from './photos.ts'

/**
 * The parser's limits for a form with photos, sized for the help desk's report forms: a form has about
 * twenty fields (a few more with every need ticked), and the longest answer is 5,000 characters (at
 * most 20,000 bytes of UTF-8). Photos past the third are thrown away unread, so a writer who picks a
 * whole album is told "at most 3" rather than that the form is damaged. Part headers are a name, a file
 * name (255 characters at most) and a type: eight pairs in 4 KiB are more than a browser sends; the
 * parser drops what is past that, so a name lost in it leaves a part without a name, which is damage.
 */
export const FORM_LIMITS = {
  fileSize: MAX_PHOTO_BYTES,
  files: 20,
  fields: 40,
  fieldSize: 25_000,
  parts: 50,
  headerPairs: 8,
  headerSize: 4096,
}

/** The most photo memory one report can hold: every photo at its largest. */
const LARGEST_SHARE = MAX_PHOTOS * MAX_PHOTO_BYTES

/** What a form's body held once read. */
export type FormBody = {
  /** The form's own fields, by name; anything else sent is left out. */
  fields: Record<string, string | string[]>
  /** The photos, as sent. */
  photos: Buffer[]
  /** Why photos were left out: one over the size limit, or more than the form takes. */
  photoError?: 'photoTooLarge' | 'photoTooMany'
  /** Photos came while the server's photo memory was taken: none were read. */
  busy: boolean
  /** The body could not be read as a form to its end. */
  damaged: boolean
  /** A file came before a valid CSRF token: reading stopped there. */
  forged: boolean
  /** Gives back the photo memory this body holds (safe to call more than once). */
  release(): void
}

/** Reads a multipart form body; `names` are the form's fields. */
export async function readFormBody(
  request: FastifyRequest,
  names: ReadonlySet<string>,
  admission: PhotoAdmission,
): Promise<FormBody> {
  const body: FormBody = {
    fields: {},
    photos: [],
    busy: false,
    damaged: false,
    forged: false,
    release: () => {},
  }
  let asked = false
  try {
    for await (const part of request.parts()) {
      // A part without a name is no part of any form a browser sends.
      if (!part.fieldname) {
        body.damaged = true
        stopReading(request, part)
        break
      }
      if (part.type === 'field') {
        keepField(body.fields, names, part)
        continue
      }
      const csrf = body.fields._csrf
      if (!isValidCsrf(request, typeof csrf === 'string' ? csrf : request.headers['x-csrf-token'])) {
        body.forged = true
        stopReading(request, part)
        break
      }
      if (part.fieldname !== 'photo') {
        body.damaged = true
        stopReading(request, part)
        break
      }
      // A file input left empty still sends a part, with no file name and no bytes: it takes no memory,
      // so a report without photos is never turned away for want of it.
      if (!part.filename || body.photos.length >= MAX_PHOTOS) {
        if (part.filename) body.photoError = 'photoTooMany'
        await drain(part)
        continue
      }
      if (!asked) {
        asked = true
        const release = admission.memory.take(shareOf(request))
        if (release) body.release = release
        else body.busy = true
      }
      if (body.busy) {
        await drain(part)
        continue
      }
      const data = await readAll(part)
      if (part.file.truncated) body.photoError = 'photoTooLarge'
      else body.photos.push(data)
    }
  } catch (error) {
    // Everything that can throw above is the parser reading the body: busboy's "Unexpected end of
    // form", "Malformed part header", a missing boundary; the plugin's limits, a prototype's name as a
    // field name, a connection closed halfway.
    body.damaged = true
    request.log.debug({ reason: error instanceof Error ? error.message : 'unknown' }, 'form body damaged')
  }
  // What was read of photos is of no use from a damaged or forged body.
  if (body.damaged || body.forged) body.photos = []
  return body
}

// Repeated names (the needs' checkboxes) become a list, as in a urlencoded body.
function keepField(fields: FormBody['fields'], names: ReadonlySet<string>, part: Multipart) {
  if (part.type !== 'field' || !names.has(part.fieldname)) return
  const value = String(part.value)
  const before = fields[part.fieldname]
  fields[part.fieldname] =
    before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value]
}

// The body as sent, where it says (a browser always does), else the most a report may hold.
function shareOf(request: FastifyRequest): number {
  const length = Number(request.headers['content-length'])
  return Number.isSafeInteger(length) && length >= 0 ? Math.min(length, LARGEST_SHARE) : LARGEST_SHARE
}

// Stops reading: the file is dropped (the parser lets go of the request) and whatever else comes is
// read and thrown away, so the answer still reaches a browser that is sending the rest.
function stopReading(request: FastifyRequest, part: Multipart) {
  request.raw.unpipe()
  if (part.type === 'file') part.file.destroy()
  request.raw.resume()
}

async function drain(part: MultipartFile): Promise<void> {
  for await (const _chunk of part.file) {
    // Thrown away as it comes.
  }
}

async function readAll(part: MultipartFile): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of part.file) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
