/**
 * Photos sent with a public form (protocols and summonses to the help desk), made safe to keep: decoded and encoded again as JPEG, which
 * leaves behind every piece of metadata (EXIF with GPS position and camera serial, XMP, IPTC, ICC
 * profiles, thumbnails). The picture is turned upright first, since that is the one thing EXIF
 * orientation was for. Anything that is not a JPEG, PNG or WebP image is refused.
 */
import sharp from 'sharp'
import { type ByteBudget, byteBudget, type WorkPool, workPool } from '../admission.ts'

/** At most this many photos per report. */
export const MAX_PHOTOS = 3
/** At most this many bytes per photo, as sent. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024
// A decompression bomb is refused before it is decoded: 40 megapixels is more than any phone takes.
const MAX_PIXELS = 40_000_000
const accepted = new Set(['jpeg', 'png', 'webp'])
/**
 * Photos decoded at once, across all writers (LIFELINE_PHOTO_DECODES). One decode already spreads over
 * every core (libvips' threads), so two at once are hardly done sooner (measured: 1.4 s a 36-megapixel
 * PNG either way on two cores) but need twice the memory, about 100 MB each, and leave more behind in
 * the allocator. A report's photos are decoded one after another in one place, so it waits for one
 * place, not three.
 */
export const PHOTO_DECODES = 1
/**
 * Reports with photos that may wait for a place, per place. A phone photo takes a fraction of a second
 * and even three 36-megapixel PNGs a few seconds, so the last in line waits seconds, not minutes; past
 * that the writer is told at once to send again in a minute, while the server still can answer,
 * instead of every writer waiting on a server out of memory.
 */
const WAITING_PER_DECODE = 4
/**
 * Megabytes of photos held in memory at once, across all writers (LIFELINE_UPLOAD_MEMORY_MB): received
 * and waiting for their decode. A report takes its share (its size as sent, at most 3 × 10 MiB) before
 * its first photo is read, or gets the form back with "too many reports at once": 96 MiB lets at least
 * three reports with the largest photos, and half a dozen or more with phone photos, be received at once.
 */
export const PHOTO_MEMORY_MB = 96

/** Where photos wait: the memory they are received into, and the places that decode them. */
export type PhotoAdmission = { memory: ByteBudget; decodes: WorkPool }

const byServer = new WeakMap<object, PhotoAdmission>()

/** A server's photo admission, with the settings' limits where they are given. */
export function photoAdmission(
  server: object,
  settings: { decodes?: number; memoryMb?: number },
): PhotoAdmission {
  const decodes = settings.decodes ?? PHOTO_DECODES
  const admission = {
    memory: byteBudget((settings.memoryMb ?? PHOTO_MEMORY_MB) * 1024 * 1024),
    decodes: workPool(decodes, decodes * WAITING_PER_DECODE),
  }
  byServer.set(server, admission)
  return admission
}

/** The photo admission `photoAdmission` made for a server (its app), to read what it holds. */
export function photoAdmissionOf(server: object): PhotoAdmission | undefined {
  return byServer.get(server)
}

/** Why a photo was refused. */
export class PhotoError extends Error {
  readonly reason: 'unreadable' | 'format'

  constructor(reason: 'unreadable' | 'format') {
    super(`photo refused: ${reason}`)
    this.reason = reason
  }
}

/** The photo re-encoded as JPEG without metadata, at most 2560 pixels on its longer side. */
export async function cleanPhoto(input: Buffer): Promise<Buffer> {
  let format: string | undefined
  try {
    format = (await sharp(input, { limitInputPixels: MAX_PIXELS }).metadata()).format
  } catch {
    throw new PhotoError('unreadable')
  }
  if (!format || !accepted.has(format)) throw new PhotoError('format')
  try {
    return await sharp(input, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: 2560, height: 2560, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 85, mozjpeg: true })
      .toBuffer()
  } catch {
    throw new PhotoError('unreadable')
  }
}

/**
 * A report's photos cleaned one after another in one of the decode places; `busy` (nothing decoded)
 * when too many reports are already waiting. A photo that can't be used throws PhotoError.
 */
export async function cleanPhotos(
  admission: PhotoAdmission,
  photos: Buffer[],
): Promise<{ busy: true } | { busy: false; value: Buffer[] }> {
  if (!photos.length) return { busy: false, value: [] }
  return admission.decodes.run(async () => {
    const cleaned: Buffer[] = []
    for (const photo of photos) cleaned.push(await cleanPhoto(photo))
    return cleaned
  })
}
