/**
 * Reads a CSV, NDJSON or JSON (an array of objects) file as a stream of rows, in constant memory: decodes the file's encoding
 * (bytes invalid in it become U+FFFD, reported per row later), strips a BOM, takes CRLF or LF and
 * quoted newlines (csv-parse), and turns what can't be parsed into a per-row error instead of a crash.
 */
import { createInterface } from 'node:readline'
import { type Readable, Transform } from 'node:stream'
import { parse } from 'csv-parse'
import type { FileRow, RowIssue } from './convert.ts'

/** One row read, or why a row could not be read. `stop` means nothing after it could be read. */
export type ReadItem =
  | { row: number; record: FileRow; error?: undefined }
  | { row: number; record?: undefined; error: RowIssue; stop?: boolean }

/** What a reader needs; `onBytes` is told how many bytes were read so far. */
export type ReadOptions = {
  format: 'csv' | 'ndjson' | 'json'
  encoding: string
  delimiter: string
  /** The longest row accepted, in characters. */
  maxRowChars?: number
  onBytes?: (bytes: number) => void
}

/** The file itself can't be read (unknown encoding, no header, a column the mapping needs is absent). */
export class FileError extends Error {
  readonly key: string
  readonly detail: string | undefined
  constructor(key: string, detail?: string) {
    super(detail ? `${key}: ${detail}` : key)
    this.key = key
    this.detail = detail
  }
}

function decoder(encoding: string, onBytes?: (bytes: number) => void): Transform {
  let decode: TextDecoder
  try {
    decode = new TextDecoder(encoding)
  } catch {
    throw new FileError('chronicle.import.error.encodingUnknown', encoding)
  }
  let bytes = 0
  return new Transform({
    decodeStrings: true,
    readableObjectMode: false,
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length
      onBytes?.(bytes)
      done(null, decode.decode(chunk, { stream: true }))
    },
    flush(done) {
      done(null, decode.decode())
    },
  })
}

const csvCodes: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'chronicle.import.error.csvQuoteNotClosed',
  CSV_MAX_RECORD_SIZE: 'chronicle.import.error.rowTooLong',
  INVALID_OPENING_QUOTE: 'chronicle.import.error.csvQuote',
  CSV_INVALID_CLOSING_QUOTE: 'chronicle.import.error.csvQuote',
}
// After these csv-parse can't find where the next row starts, so it reads no further.
const stopping = new Set(['CSV_QUOTE_NOT_CLOSED', 'CSV_MAX_RECORD_SIZE'])

type Skip = { code: string; lines: number; records: number }

/** The rows of a CSV file: the first row names the columns. */
async function* readCsv(input: Readable, options: ReadOptions): AsyncGenerator<ReadItem> {
  const skips: Skip[] = []
  const parser = input.pipe(decoder(options.encoding, options.onBytes)).pipe(
    parse({
      bom: true,
      delimiter: options.delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      info: true,
      max_record_size: options.maxRowChars ?? 1_000_000,
      on_skip: (error) => {
        const context = error as unknown as Partial<Skip> | undefined
        skips.push({
          code: context?.code ?? 'CSV',
          lines: context?.lines ?? 0,
          records: context?.records ?? 0,
        })
        return undefined
      },
    }),
  )
  input.on('error', (error) => parser.destroy(error))
  let header: string[] | null = null
  let skipped = 0
  const skipItem = (skip: Skip): ReadItem => {
    skipped += 1
    return {
      row: Math.max(skip.records - 1, 0) + skipped,
      error: {
        row: Math.max(skip.records - 1, 0) + skipped,
        column: null,
        key: csvCodes[skip.code] ?? 'chronicle.import.error.csv',
        value: `line ${skip.lines}`,
      },
      stop: stopping.has(skip.code),
    }
  }
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { records: number } }>) {
    while (skips.length && (skips[0]?.records ?? 0) < item.info.records) {
      if (!header) throw new FileError('chronicle.import.error.header')
      yield skipItem(skips.shift() as Skip)
    }
    if (!header) {
      header = item.record.map((name) => name.trim())
      const seen = new Set<string>()
      for (const name of header) {
        if (!name || seen.has(name) || name.includes('\uFFFD'))
          throw new FileError('chronicle.import.error.header', name)
        seen.add(name)
      }
      continue
    }
    const row = item.info.records - 1 + skipped
    if (item.record.length !== header.length) {
      yield {
        row,
        error: {
          row,
          column: null,
          key: 'chronicle.import.error.columnCount',
          value: String(item.record.length),
        },
      }
      continue
    }
    const record: FileRow = {}
    header.forEach((name, index) => {
      record[name] = item.record[index]
    })
    yield { row, record }
  }
  if (!header && !skips.length) throw new FileError('chronicle.import.error.empty')
  for (const skip of skips) yield skipItem(skip)
}

/** One parsed NDJSON line or JSON array item as a row, or why it is none. */
function jsonItem(row: number, text: string, max: number): ReadItem {
  if (text.length > max)
    return { row, error: { row, column: null, key: 'chronicle.import.error.rowTooLong' } }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { row, error: { row, column: null, key: 'chronicle.import.error.json' } }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return { row, error: { row, column: null, key: 'chronicle.import.error.notObject' } }
  return { row, record: value as FileRow }
}

/**
 * The rows of a JSON file holding one array of objects, item by item in constant memory: a scanner
 * that knows only strings and nesting finds where each top-level item ends, and JSON.parse reads it.
 * An item too long is skipped to its end and reported; text after the array's end is an error.
 */
async function* readJsonArray(input: Readable, options: ReadOptions): AsyncGenerator<ReadItem> {
  const max = options.maxRowChars ?? 1_000_000
  let state = 'before' as 'before' | 'in' | 'after'
  let depth = 0
  let inString = false
  let escaped = false
  let item: string[] = []
  let itemLength = 0
  let start = 0
  let row = 0
  // Read as text (a decoder's output would otherwise come back as bytes, split anywhere).
  const text = input.pipe(decoder(options.encoding, options.onBytes)).setEncoding('utf8')
  for await (const chunk of text as AsyncIterable<string>) {
    start = 0
    for (let at = 0; at < chunk.length; at += 1) {
      const char = chunk[at] as string
      if (state === 'before') {
        if (char === '\uFEFF' || /\s/.test(char)) continue
        if (char !== '[') throw new FileError('chronicle.import.error.jsonArray')
        state = 'in'
        start = at + 1
        continue
      }
      if (state === 'after') {
        if (!/\s/.test(char)) throw new FileError('chronicle.import.error.jsonArray')
        continue
      }
      if (inString) {
        if (escaped) escaped = false
        else if (char === '\\') escaped = true
        else if (char === '"') inString = false
        continue
      }
      if (char === '"') inString = true
      else if (char === '{' || char === '[') depth += 1
      else if ((char === '}' || char === ']') && depth > 0) depth -= 1
      else if (depth === 0 && (char === ',' || char === ']')) {
        const piece = chunk.slice(start, at)
        const whole = (itemLength + piece.length > max ? [] : [...item, piece]).join('')
        if (whole.trim() || itemLength + piece.length > max || char === ',') {
          row += 1
          yield itemLength + piece.length > max
            ? { row, error: { row, column: null, key: 'chronicle.import.error.rowTooLong' } }
            : jsonItem(row, whole.trim(), max)
        }
        item = []
        itemLength = 0
        start = at + 1
        if (char === ']') state = 'after'
      }
    }
    if (state === 'in') {
      const rest = chunk.slice(start)
      itemLength += rest.length
      // Past the limit the item is only measured, not kept, so memory stays bounded.
      if (itemLength <= max) item.push(rest)
      else item = []
    }
  }
  if (state !== 'after') throw new FileError('chronicle.import.error.jsonArray')
}

/** The rows of an NDJSON file: one JSON object per line; blank lines are skipped. */
async function* readNdjson(input: Readable, options: ReadOptions): AsyncGenerator<ReadItem> {
  const lines = createInterface({
    input: input.pipe(decoder(options.encoding, options.onBytes)),
    crlfDelay: Infinity,
  })
  const max = options.maxRowChars ?? 1_000_000
  let row = 0
  for await (const line of lines) {
    row += 1
    if (!line.trim()) continue
    yield jsonItem(row, line, max)
  }
}

/** The rows of a file in the given format. */
export function readRows(input: Readable, options: ReadOptions): AsyncGenerator<ReadItem> {
  if (options.format === 'json') return readJsonArray(input, options)
  return options.format === 'csv' ? readCsv(input, options) : readNdjson(input, options)
}
