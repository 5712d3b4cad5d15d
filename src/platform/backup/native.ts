/**
 * Native PostgreSQL through its own tools: pg_dump (consistent by itself: one snapshot) and pg_restore.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import { BackupError } from './errors.ts'

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
    ['--format=custom', ...(compress ? [] : ['--compress=0'])],
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

/**
 * Feeds an archive to pg_restore in one transaction: if the stream fails midway, the database is rolled
 * back to how it was. Objects in the target that the backup doesn't have are left alone.
 */
export async function pgRestore(databaseUrl: string, archive: AsyncIterable<Buffer>): Promise<void> {
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
