/**
 * The app listening on a free loopback port, on a fresh database: for tests that need a real
 * server, such as a browser driving the pages.
 */
import type { AddressInfo } from 'node:net'
import { after, before, describe } from 'node:test'
import type { Browser } from 'playwright-core'
import { type App, buildApp } from '../../src/app.ts'
import { loadEnv } from '../../src/env.ts'
import { createInvite } from '../../src/platform/auth/invites.ts'
import type { Store } from '../../src/platform/db/database.ts'
import { type JobDefinition, startJobs } from '../../src/platform/jobs/queue.ts'
import type { ServerTimeouts } from '../../src/platform/timeouts.ts'
import { type JsMode, jsModes, launchChromium } from './browser.ts'
import { type TestStore, testStore } from './db.ts'

/** How startTestServer starts a server. */
export type ServerOptions = {
  host?: 'localhost'
  logStream?: NodeJS.WritableStream
  timeouts?: Partial<ServerTimeouts>
  jobs?: readonly JobDefinition[]
}

/** A listening app: its base URL (no trailing slash), store, app, and how to stop all of it. */
export type TestServer = { url: string; store: TestStore; app: App; close(): Promise<void> }

/**
 * Starts the app on 127.0.0.1 on a free port, with a fresh database. `host` is the name its URL
 * uses: passkeys need `localhost`, as WebAuthn refuses IP addresses as relying parties. With
 * `logStream` the app logs there (else not at all); `timeouts` shortens its deadlines; `jobs` are
 * worked as a server works them.
 */
export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const host = options.host ?? '127.0.0.1'
  const store = await testStore()
  const settings = (url: string, port: number) =>
    loadEnv({ PORT: String(port), LIFELINE_PUBLIC_URL: url, LIFELINE_DATA_DIR: store.dataDir })
  // The port is known only once listening, but the app keeps this env object and reads publicUrl per
  // request (invitation links), so it is filled in with the real address before the first request.
  const env = settings(`http://${host}`, 0)
  const app = await buildApp({
    store,
    env,
    timeouts: options.timeouts,
    ...(options.logStream ? { logStream: options.logStream } : { logger: false }),
  })
  try {
    await app.listen({ host: '127.0.0.1', port: 0 })
  } catch (error) {
    await app.close()
    await store.close()
    throw error
  }
  const { port } = app.server.address() as AddressInfo
  const url = `http://${host}:${port}`
  Object.assign(env, settings(url, port))
  const jobs = options.jobs && (await startJobs(store, { jobs: options.jobs }))
  return {
    url,
    store,
    app,
    async close() {
      await jobs?.stop()
      await app.close()
      await store.close()
    },
  }
}

/** A fresh first-run setup link (the one `npm start` prints), under `baseUrl`. */
export async function setupLink(store: Store, baseUrl: string): Promise<string> {
  const { token } = await createInvite(store.db, { kind: 'setup', roles: ['admin'] })
  return `${baseUrl}/setup/${token}`
}

/** What a browser test drives. Filled in by a `before` hook: read it inside tests, not while declaring them. */
export type Running = { server: TestServer; browser: Browser }

/**
 * Starts a server (fresh database) before the tests of the enclosing suite and stops it after them.
 * A first-run scenario needs its own: the setup link works only while no account exists.
 */
export function useServer(started?: (server: TestServer) => void): { readonly server: TestServer } {
  const running = {} as { server: TestServer }
  before(async () => {
    running.server = await startTestServer()
    started?.(running.server)
  })
  after(() => running.server?.close())
  return running
}

/** Starts Chromium before the enclosing suite's tests and closes it after them. */
export function useBrowser(started?: (browser: Browser) => void): { readonly browser: Browser } {
  const running = {} as { browser: Browser }
  before(async () => {
    running.browser = await launchChromium()
    started?.(running.browser)
  })
  after(() => running.browser?.close())
  return running
}

/** Starts a server and Chromium before a file's tests and stops both after them. */
export function useServerAndBrowser(
  started?: (running: Running) => void,
  options: Pick<ServerOptions, 'host' | 'jobs'> = {},
): Running {
  // One hook for both: node:test does not wait for one root-level `before` before starting the next.
  const running = {} as Running
  before(async () => {
    const server = await startTestServer(options)
    try {
      running.browser = await launchChromium()
    } catch (error) {
      // Without this the server's database process would keep the test file from ever ending.
      await server.close()
      throw error
    }
    running.server = server
    started?.(running)
  })
  after(async () => {
    await running.browser?.close()
    await running.server?.close()
  })
  return running
}

/**
 * One Chromium for the file and, for each JavaScript mode, a suite titled "`title`, <mode>" with a
 * server of its own: for scenarios that need a fresh database, such as the first run.
 */
export function describeInEachJsMode(title: string, suite: (mode: JsMode, running: Running) => void): void {
  const chromium = useBrowser()
  for (const mode of jsModes) {
    describe(`${title}, ${mode.label}`, () => {
      const fresh = useServer()
      const running: Running = {
        get server() {
          return fresh.server
        },
        get browser() {
          return chromium.browser
        },
      }
      suite(mode, running)
    })
  }
}
