/**
 * Native PostgreSQL through its own tools: pg_dump (consistent by itself: one snapshot) and pg_restore.
 * pg_dump reads live rows only, never the files, so deleted rows are not in its archive; the rows that
 * no backup holds (left-out.ts) are left out with --exclude-table-data, their tables kept.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import { JOBS_SCHEMA } from '../jobs/queue.ts'
import { BackupError } from './errors.ts'
import { JOB_HISTORY_PATTERNS, LEFT_OUT_TABLES } from './left-out.ts'

// The password goes to the tools in PGPASSWORD, not on the command line, where `ps` would show it.
function connection(databaseUrl: string): { url: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl)
  const password = decodeURIComponent(url.password)
  url.password = ''
  return { url: url.href, env: password ? { ...process.env, PGPASSWORD: password } : { ...process.env } }
}

type Run = { child: ChildProcess; finished: Promise<void> }

function run(
  tool: 'pg_dump' | 'pg_restore',
  args: string[],
  databaseUrl: string,
  stdin: 'pipe' | 'ignore',
): Run {
  const { url, env } = connection(databaseUrl)
  const child = spawn(tool, [...args, '--dbname', url], { env, stdio: [stdin, 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (data: Buffer) => {
    stderr = (stderr + data.toString()).slice(-4000)
  })
  const finished = new Promise<void>((done, fail) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'ENOENT'
          ? new BackupError(
              'ERR_BACKUP_TOOL',
              `${tool} was not found. Install PostgreSQL's client tools (apt-get install postgresql-client), the same major version as the server or newer.`,
            )
          : error,
      ),
    )
    child.once('close', (code, signal) =>
      code === 0
        ? done()
        : fail(
            new BackupError(
              'ERR_BACKUP_TOOL',
              `${tool} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`,
            ),
          ),
    )
  })
  // Reported by whoever awaits it; don't let an early failure surface as an unhandled rejection meanwhile.
  finished.catch(() => {})
  return { child, finished }
}

/** pg_dump's custom-format archive as a stream; throws at the end if pg_dump failed, so no FINAL chunk is written. */
export async function* pgDump(databaseUrl: string, compress = true): AsyncGenerator<Buffer> {
  const { child, finished } = run(
    'pg_dump',
    ['--format=custom', ...(compress ? [] : ['--compress=0']), ...leftOutData()],
    databaseUrl,
    'ignore',
  )
  try {
    if (child.stdout) for await (const data of child.stdout) yield data as Buffer
    await finished
  } finally {
    if (child.exitCode === null) child.kill()
  }
}

function leftOutData(): string[] {
  const patterns = [...LEFT_OUT_TABLES.map(({ table }) => `public.${table}`), ...JOB_HISTORY_PATTERNS]
  return patterns.map((pattern) => `--exclude-table-data=${pattern}`)
}

/**
 * Feeds an archive to pg_restore in one transaction: if the stream fails midway, the database is rolled
 * back to how it was. Objects in the target that the backup doesn't have are left alone.
 *
 * The target's job queue schema goes first, on its own: pg_restore's --clean can't drop the
 * constraints of pg-boss's per-queue partitions (PostgreSQL refuses to drop an inherited constraint),
 * so a forced restore over a running Lifeline's database would fail. Nothing is lost by it: a restore
 * empties the job tables anyway (clearLeftOut), the archive brings the schema back, and every start
 * makes the queues and schedules again.
 */
export async function pgRestore(databaseUrl: string, archive: AsyncIterable<Buffer>): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${JOBS_SCHEMA} CASCADE`)
  } finally {
    await client.end()
  }
  const { child, finished } = run(
    'pg_restore',
    ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error'],
    databaseUrl,
    'pipe',
  )
  // A stream that fails midway stops pg_restore before it can commit: the dropped connection rolls back.
  const fed = (child.stdin ? pipeline(Readable.from(archive), child.stdin) : Promise.resolve()).catch(
    (error: unknown) => {
      child.kill()
      throw error
    },
  )
  const [feeding, restoring] = await Promise.allSettled([fed, finished])
  if (feeding.status === 'rejected' && feeding.reason instanceof BackupError) throw feeding.reason
  // Otherwise pg_restore's own complaint explains more than the broken pipe it causes.
  if (restoring.status === 'rejected') throw restoring.reason
  if (feeding.status === 'rejected') throw feeding.reason
}

/** Whether the database already holds Lifeline's tables (its migration log or its users). */
export async function hasLifelineTables(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ present: boolean }>(
      `SELECT to_regclass('public.kysely_migration') IS NOT NULL OR to_regclass('public.users') IS NOT NULL AS present`,
    )
    return rows[0]?.present ?? false
  } finally {
    await client.end()
  }
}

/**
 * Empties the tables whose rows no backup holds, after a restore: a backup written before they were left
 * out still has them (sessions, sign-in failures, job history), and a restored database starts without.
 */
export async function clearLeftOut(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const tables = [...LEFT_OUT_TABLES.map(({ table }) => `public.${table}`), 'pgboss.job', 'pgboss.archive']
    await client.query('BEGIN')
    for (const table of tables) {
      const { rows } = await client.query<{ present: boolean }>(
        'SELECT to_regclass($1) IS NOT NULL AS present',
        [table],
      )
      if (rows[0]?.present) await client.query(`DELETE FROM ${table}`)
    }
    await client.query('COMMIT')
  } finally {
    await client.end()
  }
}
