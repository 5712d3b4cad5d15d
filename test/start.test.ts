import assert from 'node:assert/strict'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { engine, type TestStore, testStore } from './support/db.ts'
import { freePort } from './support/ports.ts'

// `npm start` as a newcomer runs it: a real process, real port, the database the run uses.
let store: TestStore | undefined
let dataDir: string
const children: ChildProcess[] = []

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lifeline-start-'))
  if (engine === 'postgres') store = await testStore()
})
after(async () => {
  for (const child of children) child.kill('SIGKILL')
  await store?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

function settings(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LIFELINE_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extra }
  if (store?.databaseUrl) env.DATABASE_URL = store.databaseUrl
  else delete env.DATABASE_URL
  return env
}

function start(env: NodeJS.ProcessEnv): {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
} {
  const child = spawn(process.execPath, ['src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
  return { child, output: () => output, exited }
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('npm start', () => {
  it('serves the home page and prints a working one-time setup link', async () => {
    const port = await freePort()
    const server = start(settings({ PORT: String(port) }))
    await waitFor(() => /\/setup\/[\w-]{43}/.test(server.output()), 'the setup link')
    assert.match(server.output(), new RegExp(`Lifeline is running at http://127\\.0\\.0\\.1:${port}`))
    assert.match(server.output(), /npm run lifeline -- admin create/)
    const home = await fetch(`http://127.0.0.1:${port}/`)
    assert.equal(home.status, 200)
    const link = /(http:\/\/\S+\/setup\/[\w-]{43})/.exec(server.output())![1]!
    assert.equal((await fetch(link)).status, 200)

    if (engine === 'pglite') {
      const second = start(settings({ PORT: String(await freePort()) }))
      assert.equal(await second.exited, 1)
      assert.match(second.output(), /in use by another Lifeline process/)
    }

    server.child.kill('SIGTERM')
    assert.equal(await server.exited, 0, 'stops cleanly on SIGTERM')
  })

  it('stops with a message naming an invalid setting', () => {
    const result = spawnSync(process.execPath, ['src/main.ts'], {
      env: settings({ PORT: 'eighty' }),
      encoding: 'utf8',
    })
    assert.equal(result.status, 1)
    assert.match(result.stderr, /PORT/)
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, 'no stack trace')
  })
})

describe('the lifeline command', () => {
  const cli = (args: string[], input = '') =>
    spawnSync(process.execPath, ['src/cli.ts', ...args], {
      env: settings(),
      input,
      encoding: 'utf8',
      timeout: 120_000,
    })

  it('explains itself', () => {
    const help = cli(['--help'])
    assert.equal(help.status, 0)
    for (const command of ['serve', 'db', 'admin', 'user', 'backup', 'restore'])
      assert.match(help.stdout, new RegExp(command))
    assert.match(cli(['user', 'invite', '--help']).stdout, /--roles/)
  })

  it('creates an administrator with the password from stdin, and refuses a short one', () => {
    const created = cli(
      ['admin', 'create', '--email', 'Root@Example.org', '--name', 'Root'],
      'long enough password\n',
    )
    assert.equal(created.status, 0, created.stderr)
    assert.match(created.stdout, /Created administrator root@example\.org/)
    const short = cli(['admin', 'create', '--email', 'x@example.org', '--name', 'X'], 'short\n')
    assert.equal(short.status, 1)
    assert.match(short.stderr, /password/)
  })

  it('prints an invitation link and refuses an unknown role', () => {
    const invite = cli(['user', 'invite', '--roles', 'lawyer,volunteer'])
    assert.equal(invite.status, 0, invite.stderr)
    assert.match(invite.stdout, /\/signup\/[\w-]{43}/)
    const bad = cli(['user', 'invite', '--roles', 'lawyer,king'])
    assert.equal(bad.status, 1)
    assert.match(bad.stderr, /Unknown role: king/)
  })
})
