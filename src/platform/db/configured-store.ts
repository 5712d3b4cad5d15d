/** The store the settings name, as the server and every command open it. */
import type { Env } from '../../env.ts'
import { attachErasureKeys } from '../crypto/erasure-keys.ts'
import type { JobDefinition } from '../jobs/queue.ts'
import { type EmbeddedRole, openStore, type Store } from './database.ts'
import { prepareDatabase } from './prepare.ts'

/**
 * Native PostgreSQL at DATABASE_URL, else the embedded database in LIFELINE_DATA_DIR, with its erasure
 * keys. A server (the default) has the embedded database to itself; a command uses a running server's.
 */
export async function openConfiguredStore(
  env: Env,
  { role = 'server' }: { role?: EmbeddedRole } = {},
): Promise<Store> {
  const store = await openStore({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.LIFELINE_DATA_DIR,
    serverKeyFile: env.LIFELINE_SERVER_KEY_FILE,
    role,
  })
  attachErasureKeys(store, { dataDir: env.LIFELINE_DATA_DIR, dir: env.LIFELINE_ERASURE_KEYS_DIR })
  return store
}

/**
 * For a command: opens that store (through the running server's database, if one runs on the embedded
 * data dir), applies pending migrations, runs `work`, closes the store.
 */
export async function withStore<T>(
  env: Env,
  jobs: readonly JobDefinition[],
  work: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openConfiguredStore(env, { role: 'command' })
  try {
    await prepareDatabase(env, store, jobs)
    return await work(store)
  } finally {
    await store.close()
  }
}
