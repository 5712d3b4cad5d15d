/**
 * The embedded backup's plaintext: live rows, never the database's files (whose pages and WAL still hold
 * deleted rows: shredded records, removed members' key wraps, ended sessions).
 *
 *   LIFELINE-ROWS 1\n
 *   {manifest: the migrations applied, each table's columns and row count, the sequences}\n
 *   then for each table of the manifest, in its order: the table's rows in COPY's text format, then \.\n
 *
 * COPY's text format escapes every backslash in the data, so a line `\.` can only be a table's end.
 */
import { z } from 'zod'
import { BackupError } from './errors.ts'

/** The first line of the plaintext. */
export const ROWS_MAGIC = 'LIFELINE-ROWS 1'

/** The line that ends each table's rows. */
export const END_OF_TABLE = '\\.\n'

/**
 * Settings both sides use, so every value is written and read back the same way whatever the session's
 * defaults (the same ones pg_dump sets).
 */
export const COPY_SETTINGS: readonly [string, string][] = [
  ['TimeZone', 'UTC'],
  ['DateStyle', 'ISO, YMD'],
  ['IntervalStyle', 'postgres'],
  ['extra_float_digits', '3'],
  ['bytea_output', 'hex'],
]

const manifestSchema = z.object({
  migrations: z.array(z.string().min(1)).min(1),
  tables: z.array(
    z.object({
      name: z.string().min(1),
      columns: z.array(z.string().min(1)).min(1),
      rows: z.int().min(0),
    }),
  ),
  sequences: z.array(z.object({ name: z.string().min(1), value: z.string().regex(/^-?\d+$/) })),
})

/** What the second line says: the schema's version, and what follows it. */
export type Manifest = z.infer<typeof manifestSchema>

/** A quoted, schema-qualified name for a table or sequence of schema public. */
export function qualified(name: string): string {
  return `public."${name.replaceAll('"', '""')}"`
}

/** A quoted column list. */
export function columnList(columns: readonly string[]): string {
  return columns.map((column) => `"${column.replaceAll('"', '""')}"`).join(', ')
}

/** Reads a byte stream line by line (each line with its newline), holding one line at a time. */
export class LineReader {
  readonly #source: AsyncIterator<Buffer>
  #buffered: Buffer = Buffer.alloc(0)

  constructor(source: AsyncIterable<Buffer>) {
    this.#source = source[Symbol.asyncIterator]()
  }

  /** The next line, or null at the end; a last line without its newline is damage. */
  async next(): Promise<Buffer | null> {
    let from = 0
    for (;;) {
      const at = this.#buffered.indexOf(0x0a, from)
      if (at >= 0) {
        const line = this.#buffered.subarray(0, at + 1)
        this.#buffered = this.#buffered.subarray(at + 1)
        return line
      }
      from = this.#buffered.length
      const { value, done } = await this.#source.next()
      if (done) {
        if (this.#buffered.length) throw damagedRows('it ends in the middle of a line')
        return null
      }
      this.#buffered = from ? Buffer.concat([this.#buffered, value]) : value
    }
  }
}

/** Reads the first two lines: the magic line and the manifest. */
export async function readManifest(lines: LineReader): Promise<Manifest> {
  const magic = await lines.next()
  if (magic?.toString() !== `${ROWS_MAGIC}\n`) throw damagedRows('it does not start with the rows header')
  const line = await lines.next()
  let parsed: unknown
  try {
    parsed = JSON.parse(line?.toString() ?? '')
  } catch {
    throw damagedRows('its manifest is not JSON')
  }
  const manifest = manifestSchema.safeParse(parsed)
  if (!manifest.success) throw damagedRows('its manifest is not one this version reads')
  return manifest.data
}

/** A decrypted backup whose contents don't read as they should (made by a broken or doctored writer). */
export function damagedRows(why: string): BackupError {
  return new BackupError(
    'ERR_BACKUP_DAMAGED',
    `The backup decrypted, but its contents are not a Lifeline backup's (${why}). Nothing was restored; use another copy.`,
  )
}
