/**
 * Photos of protocols and summonses, made safe to keep: decoded and encoded again as JPEG, which
 * leaves behind every piece of metadata (EXIF with GPS position and camera serial, XMP, IPTC, ICC
 * profiles, thumbnails). The picture is turned upright first, since that is the one thing EXIF
 * orientation was for. Anything that is not a JPEG, PNG or WebP image is refused.
 */
import sharp from 'sharp'

/** At most this many photos per report. */
export const MAX_PHOTOS = 3
/** At most this many bytes per photo, as sent. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024
// A decompression bomb is refused before it is decoded: 40 megapixels is more than any phone takes.
const MAX_PIXELS = 40_000_000
const accepted = new Set(['jpeg', 'png', 'webp'])

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
