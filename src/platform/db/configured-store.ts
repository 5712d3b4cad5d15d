/** The store the settings name, as the server and every command open it. */
import type { Env } from '../../env.ts'
import { openStore, type Store } from './database.ts'
import { prepareDatabase } from './prepare.ts'

/** Native PostgreSQL at DATABASE_URL, else the embedded database in LIFELINE_DATA_DIR, with its erasure keys. */
export function openConfiguredStore(env: Env): Promise<Store> {
  return openStore({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.LIFELINE_DATA_DIR,
    erasureKeysDir: env.LIFELINE_ERASURE_KEYS_DIR,
  })
}

/** Opens that store, applies pending migrations, runs `work`, closes the store. */
export async function withStore<T>(env: Env, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openConfiguredStore(env)
  try {
    await prepareDatabase(env, store)
    return await work(store)
  } finally {
    await store.close()
  }
}
