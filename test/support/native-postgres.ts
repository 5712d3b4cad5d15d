/**
 * Starts a throwaway native PostgreSQL cluster in a temp dir on a free loopback port.
 * PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` (or `nobody`) user.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './ports.ts'

/** A running cluster: its superuser URL base and how to stop it. */
export type Cluster = { url(database: string): string; stop(): void }

function runAs(user: string | undefined, command: string, args: string[]): void {
  const [file, argv] = user ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args]
  const result = spawnSync(file, argv, { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`)
}

function serverUser(): string | undefined {
  if (process.getuid?.() !== 0) return undefined
  for (const user of ['postgres', 'nobody']) {
    if (spawnSync('id', [user]).status === 0) return user
  }
  throw new Error('Running as root and no postgres or nobody user exists to run PostgreSQL.')
}

function binary(name: string): string {
  const found = spawnSync(
    'sh',
    ['-c', `command -v ${name} || ls /usr/lib/postgresql/*/bin/${name} | tail -n 1`],
    {
      encoding: 'utf8',
    },
  ).stdout.trim()
  if (!found) throw new Error(`${name} not found: install PostgreSQL's server (apt-get install postgresql).`)
  return found.split('\n')[0]!
}

/** Creates and starts a cluster; call stop() to remove it. */
export async function startCluster(): Promise<Cluster> {
  const user = serverUser()
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-pg-'))
  chmodSync(dir, 0o700)
  if (user) {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }))
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }))
    chownSync(dir, uid, gid)
  }
  const port = await freePort()
  const dataDir = join(dir, 'data')
  runAs(user, binary('initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ])
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -k ${dir} -c fsync=off -c max_connections=200`
  runAs(user, binary('pg_ctl'), ['-D', dataDir, '-o', options, '-l', join(dir, 'log'), '-w', 'start'])
  return {
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop() {
      spawnSync(user ? 'runuser' : binary('pg_ctl'), [
        ...(user ? ['-u', user, '--', binary('pg_ctl')] : []),
        '-D',
        dataDir,
        '-m',
        'immediate',
        'stop',
      ])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
