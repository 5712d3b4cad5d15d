import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { engine } from '../../../test/support/db.ts'
import { freePort } from '../../../test/support/ports.ts'
import { dataDirHolder } from './data-dir-lock.ts'

// The embedded database as it runs in production: `node src/main.ts` (a server and the database process it
// forks), commands run beside it, crashes of either and an immediate restart, as a service manager does.
const skip = engine !== 'pglite'
let work: string
let dataDir: string
let port: number
const started: ChildProcess[] = []

before(async () => {
  if (skip) return
  work = mkdtempSync(join(tmpdir(), 'lifeline-embedded-'))
  dataDir = join(work, 'data')
  // The runner's migrated template: a fresh data dir would run initdb first.
  const template = process.env.LIFELINE_TEST_PGLITE_TEMPLATE
  if (template) cpSync(template, dataDir, { recursive: true })
  port = await freePort()
})
after(() => {
  if (skip) return
  for (const child of started) if (child.exitCode === null && child.signalCode === null) killGroup(child)
  rmSync(work, { recursive: true, force: true })
})

function settings(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LIFELINE_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    LIFELINE_BACKUP_PASSPHRASE: 'a passphrase long enough',
  }
  delete env.DATABASE_URL
  return env
}

// The server and the database process it forked: a process group, as systemd's KillMode=control-group.
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

type Server = { child: ChildProcess; output: () => string; exited: Promise<string> }

function launch(): Server {
  const child = spawn(process.execPath, ['src/main.ts'], {
    env: settings(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  started.push(child)
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
  const exited = new Promise<string>((done) =>
    child.on('exit', (code, signal) => done(signal ?? String(code))),
  )
  return { child, output: () => output, exited }
}

/**
 * Starts the server once (no retry: a refusal fails the test) and waits for /healthz and the setup link
 * (no account exists here), printed last, once it handles SIGTERM.
 */
async function startServer(): Promise<Server> {
  const server = launch()
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`the server stopped:\n${server.output()}`)
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (response) => response.ok,
      () => false,
    )
    if (up && /\/setup\//.test(server.output())) return server
    await sleep(100)
  }
}

function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['src/cli.ts', ...args], {
      env: settings(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
    child.on('exit', (status) => done({ status, stdout, stderr }))
  })
}

async function invite(): Promise<string> {
  const result = await cli(['user', 'invite', '--roles', 'lawyer'])
  assert.equal(result.status, 0, result.stderr)
  const link = /(http:\/\/\S+\/signup\/[\w-]{43})/.exec(result.stdout)?.[1]
  assert.ok(link, result.stdout)
  return link
}

async function opensSignUp(link: string): Promise<void> {
  const page = await fetch(link)
  assert.equal(page.status, 200, `${link} does not open`)
  assert.match(await page.text(), /<form[^>]*method="post"/i)
}

describe('the embedded database beside a running server', { skip, concurrency: false }, () => {
  let server: Server
  let link: string

  it('lets a command invite a lawyer through the running server, whose page opens the link', async () => {
    server = await startServer()
    link = await invite()
    assert.ok(link.startsWith(`http://127.0.0.1:${port}/signup/`))
    await opensSignUp(link)
  })

  it('applies migrations through the server (none left), and refuses to revert one under it', async () => {
    const migrate = await cli(['db', 'migrate'])
    assert.equal(migrate.status, 0, migrate.stderr)
    assert.match(migrate.stdout, /Nothing to do/)
    const down = await cli(['db', 'migrate', '--down'])
    assert.equal(down.status, 1)
    assert.match(down.stderr, new RegExp(`server \\(pid ${server.child.pid}\\) is running`))
  })

  it('refuses a restore, naming the running server', async () => {
    const restore = await cli(['restore', '--in', join(work, 'no-such.llbackup')])
    assert.equal(restore.status, 1)
    assert.match(restore.stderr, new RegExp(`held by a running Lifeline, pid ${server.child.pid}`))
    assert.match(restore.stderr, /stop that server/)
  })

  it('refuses a second server on the same data dir, naming the live one', async () => {
    const second = launch()
    assert.equal(await second.exited, '1')
    assert.match(second.output(), new RegExp(`held by a running Lifeline, pid ${server.child.pid}`))
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200, 'the first one still serves')
  })

  it('restarts at once after the server alone is killed, waiting for its database process to close', async () => {
    process.kill(server.child.pid!, 'SIGKILL')
    assert.equal(await server.exited, 'SIGKILL')
    server = await startServer()
    await opensSignUp(link)
  })

  it('restarts at once after the server and its database process are killed together', async () => {
    killGroup(server.child)
    assert.equal(await server.exited, 'SIGKILL')
    // Started at once, the new one takes over the lock the dead one left ("taking it over"); started
    // later than the stale time (a loaded machine), it finds the lock stale: it serves either way.
    server = await startServer()
    await opensSignUp(link)
  })

  it('opens the files itself once the server has stopped', async () => {
    server.child.kill('SIGTERM')
    assert.equal(await server.exited, '0')
    assert.equal(dataDirHolder(dataDir), null)
    const offline = await invite()
    assert.notEqual(offline, link)
    assert.equal(dataDirHolder(dataDir), null, 'the command left the data dir locked')
  })
})
