/** An app on a fresh database for one test file. */
import { type App, buildApp } from '../../src/app.ts'
import { loadEnv } from '../../src/env.ts'
import { type JobDefinition, startJobs } from '../../src/platform/jobs/queue.ts'
import { type TestStore, testStore } from './db.ts'

/** The app, its store, and how to close both. */
export type TestApp = { app: App; store: TestStore; close(): Promise<void> }

/**
 * Builds the app (not listening) on a fresh database; it logs to `logStream` if given, else not at all.
 * With `jobs` it also works those jobs, as a server does (none run on a schedule unless listed).
 */
export async function testApp(
  options: { logStream?: NodeJS.WritableStream; jobs?: readonly JobDefinition[] } = {},
): Promise<TestApp> {
  const store = await testStore()
  // A host name rather than an IP address, as passkeys need one; nothing ever connects to it.
  const env = loadEnv({ LIFELINE_DATA_DIR: store.dataDir, LIFELINE_PUBLIC_URL: 'http://localhost:8080' })
  const app = await buildApp({
    store,
    env,
    ...(options.logStream ? { logStream: options.logStream } : { logger: false }),
  })
  const jobs = options.jobs && (await startJobs(store, { jobs: options.jobs }))
  return {
    app,
    store,
    async close() {
      await jobs?.stop()
      await app.close()
      await store.close()
    },
  }
}

/**
 * A GET in English from a different address each time, so rate limits never cut a walk over many
 * outputs short: status, content type and body. `app` is called at each request, so the getter can
 * be made before the test app is.
 */
export function freshGet(
  app: () => TestApp,
): (url: string) => Promise<{ status: number; type: string; body: string }> {
  let address = 0
  return async (url) => {
    address++
    const response = await app().app.inject({
      method: 'GET',
      url,
      headers: { 'accept-language': 'en' },
      remoteAddress: `10.7.${(address >> 8) & 255}.${address & 255}`,
    })
    return {
      status: response.statusCode,
      type: String(response.headers['content-type']),
      body: response.body,
    }
  }
}
