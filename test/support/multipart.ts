/** Multipart bodies as browsers send them, for tests and benchmarks of upload forms. */
import { randomBytes } from 'node:crypto'

/** One part: a field (`name`, `value`), or a file when it has a `filename`. */
export type Part = { name?: string; value: string | Buffer; filename?: string; type?: string }

/**
 * A multipart body as a browser sends it, parts in the order given; `boundary` to choose it (or to send
 * a body whose parts don't use the one in its content type).
 */
export function multipartBody(parts: Part[], boundary = `----lifeline${randomBytes(8).toString('hex')}`) {
  const chunks: Buffer[] = []
  for (const part of parts) {
    const name = part.name === undefined ? '' : `; name="${part.name}"`
    const file = part.filename === undefined ? '' : `; filename="${part.filename}"`
    const type = part.type ? `\r\nContent-Type: ${part.type}` : ''
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data${name}${file}${type}\r\n\r\n`))
    chunks.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}`, boundary }
}
