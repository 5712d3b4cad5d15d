/**
 * The app listening on a free loopback port, on a fresh database: for tests that need a real
 * server, such as a browser driving the pages.
 */
import type { AddressInfo } from 'node:net'
import { after, before } from 'node:test'
import type { Browser } from 'playwright-core'
import { type App, buildApp } from '../../src/app.ts'
import { loadEnv } from '../../src/env.ts'
import { createInvite } from '../../src/platform/auth/invites.ts'
import type { Store } from '../../src/platform/db/database.ts'
import { launchChromium } from './browser.ts'
import { type TestStore, testStore } from './db.ts'

/** A listening app: its base URL (no trailing slash), store, app, and how to stop all of it. */
export type TestServer = { url: string; store: TestStore; app: App; close(): Promise<void> }

/** Starts the app on 127.0.0.1 on a free port, with a fresh database. */
export async function startTestServer(): Promise<TestServer> {
  const store = await testStore()
  const settings = (url: string, port: number) =>
    loadEnv({ PORT: String(port), LIFELINE_PUBLIC_URL: url, LIFELINE_DATA_DIR: store.dataDir })
  // The port is known only once listening, but the app keeps this env object and reads publicUrl per
  // request (invitation links), so it is filled in with the real address before the first request.
  const env = settings('http://127.0.0.1', 0)
  const app = await buildApp({ store, env, logger: false })
  try {
    await app.listen({ host: '127.0.0.1', port: 0 })
  } catch (error) {
    await app.close()
    await store.close()
    throw error
  }
  const { port } = app.server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  Object.assign(env, settings(url, port))
  return {
    url,
    store,
    app,
    async close() {
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

/**
 * Starts a server (fresh database) before the tests of the enclosing suite and stops it after them.
 * A first-run scenario needs its own: the setup link works only while no account exists.
 */
export function useServer(started: (server: TestServer) => void): void {
  let server: TestServer | undefined
  before(async () => {
    server = await startTestServer()
    started(server)
  })
  after(() => server?.close())
}

/** Starts Chromium before the enclosing suite's tests and closes it after them. */
export function useBrowser(started: (browser: Browser) => void): void {
  let browser: Browser | undefined
  before(async () => {
    browser = await launchChromium()
    started(browser)
  })
  after(() => browser?.close())
}

/** Starts a server and Chromium before a file's tests and stops both after them. */
export function useServerAndBrowser(
  started: (running: { server: TestServer; browser: Browser }) => void,
): void {
  // One hook for both: node:test does not wait for one root-level `before` before starting the next.
  let running: { server: TestServer; browser: Browser } | undefined
  before(async () => {
    running = { server: await startTestServer(), browser: await launchChromium() }
    started(running)
  })
  after(async () => {
    await running?.browser.close()
    await running?.server.close()
  })
}
