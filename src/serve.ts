/**
 * Starting and stopping the whole server: open the store, migrate, start jobs, listen, and on first
 * run print a one-time setup link. main.ts and `lifeline serve` both come here.
 */
import { type AppOptions, buildApp } from './app.ts'
import type { Env } from './env.ts'
import { allJobs, installedModules } from './modules.ts'
import { hasAnyAccount } from './platform/auth/accounts.ts'
import { createInvite, SETUP_LINK_MS } from './platform/auth/invites.ts'
import { refillErasureKeys } from './platform/crypto/erasure-key-pool.ts'
import { openConfiguredStore } from './platform/db/configured-store.ts'
import { prepareDatabase } from './platform/db/prepare.ts'
import { startJobs } from './platform/jobs/queue.ts'

/** Runs Lifeline until SIGINT or SIGTERM; `extraRoutes` only for a benchmark's baseline (bench/support/). */
export async function serve(env: Env, options: Pick<AppOptions, 'extraRoutes'> = {}): Promise<void> {
  const modules = installedModules
  const jobList = allJobs(modules)
  const store = await openConfiguredStore(env)
  const { applied, excess } = await prepareDatabase(env, store, jobList)
  // Keys for the first reports, made now rather than when the first one arrives.
  await refillErasureKeys(store.db)
  const app = await buildApp({ store, env, modules, extraRoutes: options.extraRoutes })
  const jobs = await startJobs(store, {
    jobs: jobList,
    onError: (error) => app.log.error({ err: error }, 'job queue error'),
    // The owner installed pg-boss's schema and queues; the app role couldn't, and doesn't try.
    migrate: !env.LIFELINE_MIGRATION_DATABASE_URL,
  })
  if (applied.length) app.log.info({ migrations: applied }, 'applied migrations')
  if (excess.length) app.log.warn({ excess }, "DATABASE_URL's role has more privileges than the app needs")
  await app.listen({ host: env.HOST, port: env.PORT })
  const where = env.DATABASE_URL ? 'native PostgreSQL' : `the embedded database in ${env.LIFELINE_DATA_DIR}`
  console.log(`\nLifeline is running at ${env.publicUrl} (${where}).`)
  if (!(await hasAnyAccount(store.db))) {
    const { token } = await createInvite(store.db, { kind: 'setup', roles: ['admin'] })
    console.log(
      `\nNo account exists yet. Create the administrator within ${SETUP_LINK_MS / 60_000} minutes at:\n  ${env.publicUrl}/setup/${token}\n` +
        'or from a terminal:  npm run lifeline -- admin create\n',
    )
  }

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await app.close()
    await jobs.stop()
    await store.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
