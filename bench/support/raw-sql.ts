/**
 * The database without Lifeline, for the baselines the chronicle benchmark compares against: plain
 * queries, a raw COPY of a CSV file into a table, and COPY … TO STDOUT. Native PostgreSQL is reached
 * with `pg` and `psql`; the embedded database is opened in this process with PGlite itself (the data
 * dir must not be in use by a server then), COPY going through PGlite's /dev/blob.
 */
import { spawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import pg from 'pg'

/** Rows a PGlite COPY moves at a time: its /dev/blob lives in WebAssembly memory. */
const PGLITE_COPY_ROWS = 100_000

/** One engine as the baselines use it. */
export type RawSql = {
  /** Runs a statement; returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>
  /** COPYs a CSV file (with a header line, no line breaks inside fields) into `table`; returns ms spent in COPY. */
  copyIn(table: string, file: string): Promise<number>
  /**
   * Runs `COPY (select) TO STDOUT` as CSV over every row, in `ranges` of ids for the embedded engine;
   * returns ms and bytes.
   */
  copyOut(
    select: (range: string) => string,
    ids: { min: number; max: number },
  ): Promise<{ ms: number; bytes: number }>
  close(): Promise<void>
}

/** Native PostgreSQL at `url`: queries through `pg`, COPY through `psql` as an operator would. */
export async function nativeSql(url: string): Promise<RawSql> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const psql = (args: string[], onData?: (chunk: Buffer) => void) =>
    new Promise<number>((done, fail) => {
      const started = performance.now()
      const child = spawn('psql', ['--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-q', url, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let errors = ''
      child.stdout.on('data', (chunk: Buffer) => onData?.(chunk))
      child.stderr.on('data', (chunk: Buffer) => (errors += chunk))
      child.on('error', fail)
      child.on('close', (code) =>
        code === 0 ? done(performance.now() - started) : fail(new Error(`psql failed: ${errors}`)),
      )
    })
  return {
    async query(text, params) {
      return (await client.query(text, params)).rows
    },
    copyIn: (table, file) =>
      psql(['-c', `\\copy ${table} FROM '${file.replaceAll("'", "''")}' WITH (FORMAT csv, HEADER true)`]),
    async copyOut(select) {
      let bytes = 0
      const ms = await psql(
        ['-c', `COPY (${select('true')}) TO STDOUT WITH (FORMAT csv, HEADER true)`],
        (chunk) => {
          bytes += chunk.length
        },
      )
      return { ms, bytes }
    },
    close: () => client.end(),
  }
}

/** The embedded database in `pgliteDir`, opened here (no server may hold it meanwhile). */
export async function embeddedSql(pgliteDir: string): Promise<RawSql> {
  const db = await PGlite.create({ dataDir: pgliteDir, extensions: { pg_trgm } })
  return {
    async query(text, params) {
      return (await db.query(text, params)).rows as never
    },
    async copyIn(table, file) {
      let ms = 0
      let header = ''
      let lines: string[] = []
      const flush = async () => {
        const blob = new Blob([`${header}\n${lines.join('\n')}\n`])
        lines = []
        const started = performance.now()
        await db.query(`COPY ${table} FROM '/dev/blob' WITH (FORMAT csv, HEADER true)`, [], { blob })
        ms += performance.now() - started
      }
      for await (const line of createInterface({
        input: createReadStream(file),
        crlfDelay: Number.POSITIVE_INFINITY,
      })) {
        if (!header) header = line
        else lines.push(line)
        if (lines.length === PGLITE_COPY_ROWS) await flush()
      }
      if (lines.length) await flush()
      return ms
    },
    async copyOut(select, ids) {
      let ms = 0
      let bytes = 0
      for (let low = ids.min; low <= ids.max; low += PGLITE_COPY_ROWS) {
        const range = `id BETWEEN ${low} AND ${low + PGLITE_COPY_ROWS - 1}`
        const started = performance.now()
        const result = await db.query(`COPY (${select(range)}) TO '/dev/blob' WITH (FORMAT csv, HEADER true)`)
        ms += performance.now() - started
        bytes += result.blob?.size ?? 0
      }
      return { ms, bytes }
    },
    close: () => db.close(),
  }
}
