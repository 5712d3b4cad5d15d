/**
 * Lifeline as a user runs it: `node src/main.ts` and `node src/cli.ts` in their own processes, and a
 * staff member signing in over HTTP (password, then TOTP enrolment, as a new admin must).
 */
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { currentTotp } from '../../src/platform/auth/totp.ts'
import { freePort, type Group, spawnGroup, tail } from './processes.ts'

/** The repository root (bench/support/../..). */
export const root = join(import.meta.dirname, '..', '..')

/** Where one Lifeline instance keeps its data, which database it uses, and settings of its own. */
export type Instance = {
  dataDir: string
  databaseUrl?: string
  port: number
  log: string
  env?: Record<string, string>
  /** The server's entry point: src/main.ts unless a benchmark runs its own (with its baseline routes). */
  server?: string
}

/** A new instance description with a free port; its log goes into `dataDir`'s parent. */
export async function instance(
  dir: string,
  databaseUrl?: string,
  env?: Record<string, string>,
): Promise<Instance> {
  return {
    dataDir: join(dir, 'data'),
    databaseUrl,
    port: await freePort(),
    log: join(dir, 'server.log'),
    env,
  }
}

function envFor(target: Instance): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(target.port),
    LIFELINE_DATA_DIR: target.dataDir,
    LOG_LEVEL: 'info',
    // Behind a reverse proxy (the documented deployment) client addresses arrive in X-Forwarded-For,
    // and the load generator spreads its requests over many of them: the global rate limit
    // (600 a minute per address) would otherwise answer nearly every request with a 429.
    LIFELINE_TRUST_PROXY: 'true',
    ...target.env,
  }
  delete env.DATABASE_URL
  delete env.LIFELINE_PUBLIC_URL
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl
  return env
}

/**
 * Runs `lifeline <args>` against the instance, `input` on stdin; resolves with its output and how long
 * it ran, or throws with the output when it fails. `onLine` hears each output line as it comes.
 */
export async function runCli(
  target: Instance,
  args: string[],
  options: { input?: string; onLine?: (line: string) => void } = {},
): Promise<{ output: string; ms: number }> {
  const started = performance.now()
  const child = spawn(process.execPath, ['src/cli.ts', ...args], {
    cwd: root,
    env: envFor(target),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  let partial = ''
  const take = (chunk: Buffer) => {
    output += chunk
    const lines = (partial + chunk).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) options.onLine?.(line)
  }
  child.stdout.on('data', take)
  child.stderr.on('data', take)
  child.stdin.end(options.input ?? '')
  const code = await new Promise<number | null>((done) => child.on('close', done))
  if (code !== 0)
    throw new Error(`lifeline ${args.slice(0, 2).join(' ')} failed (${code}):\n${output.slice(-4000)}`)
  return { output, ms: performance.now() - started }
}

/** Creates an administrator through the CLI, the password on stdin. */
export async function createAdmin(
  target: Instance,
  account: { email: string; name: string; password: string },
) {
  await runCli(target, ['admin', 'create', '--email', account.email, '--name', account.name], {
    input: `${account.password}\n`,
  })
}

/** A plain GET without keep-alive; resolves with the status, or 0 when nothing listens yet. */
export function getStatus(port: number, path = '/'): Promise<number> {
  return new Promise((done) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume()
      res.on('end', () => done(res.statusCode ?? 0))
    })
    req.on('error', () => done(0))
    req.end()
  })
}

/** A started server and how long it took from spawn to its first 200 on `/`. */
export type Server = Group & { startMs: number }

/** Spawns `node src/main.ts` (or the instance's own server) and polls `/` until it answers 200. */
export async function startServer(target: Instance, timeoutMs = 30_000): Promise<Server> {
  const started = performance.now()
  const group = spawnGroup(process.execPath, [target.server ?? 'src/main.ts'], {
    cwd: root,
    env: envFor(target),
    log: target.log,
  })
  let exited = false
  group.child.once('exit', () => (exited = true))
  while (performance.now() - started < timeoutMs) {
    if ((await getStatus(target.port)) === 200) return { ...group, startMs: performance.now() - started }
    if (exited) break
    await sleep(10)
  }
  await group.stop()
  throw new Error(`server did not answer 200 on / (exited: ${exited}); log:\n${tail(target.log)}`)
}

/** Cookies by name, kept across requests as a browser would. */
class Jar {
  readonly cookies = new Map<string, string>()
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair!.indexOf('=')
      const name = pair!.slice(0, at)
      const value = pair!.slice(at + 1)
      if (value) this.cookies.set(name, value)
      else this.cookies.delete(name)
    }
  }
}

async function send(base: string, jar: Jar, path: string, form?: Record<string, string>) {
  const response = await fetch(base + path, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: {
      cookie: jar.header(),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: form ? new URLSearchParams(form).toString() : undefined,
  })
  jar.take(response)
  return { status: response.status, location: response.headers.get('location'), text: await response.text() }
}

function csrfField(page: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1]
  if (!token) throw new Error('no _csrf field on the page')
  return token
}

/**
 * Signs in with e-mail and password and, when the account still has to enrol, enrols TOTP from the
 * secret the page shows. Returns the Cookie header of a full session.
 */
export async function signIn(port: number, account: { email: string; password: string }): Promise<string> {
  const base = `http://127.0.0.1:${port}`
  const jar = new Jar()
  const login = await send(base, jar, '/login')
  const posted = await send(base, jar, '/login', {
    _csrf: csrfField(login.text),
    email: account.email,
    password: account.password,
  })
  if (posted.status !== 303) throw new Error(`sign-in answered ${posted.status}`)
  if (posted.location === '/account/totp') {
    const enrol = await send(base, jar, '/account/totp')
    const secret = /class="secret">([^<]+)</.exec(enrol.text)?.[1]?.replace(/\s+/g, '')
    if (!secret) throw new Error('no TOTP secret on the enrolment page')
    const confirmed = await send(base, jar, '/account/totp', {
      _csrf: csrfField(enrol.text),
      code: currentTotp(secret),
    })
    if (confirmed.status !== 200) throw new Error(`TOTP enrolment answered ${confirmed.status}`)
  }
  const staff = await send(base, jar, '/staff')
  if (staff.status !== 200) throw new Error(`/staff answered ${staff.status} after signing in`)
  return jar.header()
}

/** The body of a page as bytes, with the given Cookie header (none for an anonymous visit). */
export async function pageBytes(port: number, path: string, cookie?: string): Promise<Buffer> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    redirect: 'manual',
    headers: cookie ? { cookie } : {},
  })
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`)
  return Buffer.from(await response.arrayBuffer())
}
