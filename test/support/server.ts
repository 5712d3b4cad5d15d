/**
 * The app listening on a free loopback port, on a fresh database: for tests that need a real
 * server, such as a browser driving the pages.
 */
import type { AddressInfo } from 'node:net'
import { type App, buildApp } from '../../src/app.ts'
import { loadEnv } from '../../src/env.ts'
import { createInvite } from '../../src/platform/auth/invites.ts'
import type { Store } from '../../src/platform/db/database.ts'
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
