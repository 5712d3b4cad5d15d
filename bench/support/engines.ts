/** Running one measurement on each engine the command line asks for: PGlite, then native PostgreSQL. */
import { startCluster } from '../../test/support/native-postgres.ts'
import { initdbAvailable, onCleanUp, onlyEngine } from './processes.ts'

/** Figures per engine; an engine left out (`--engine`, or no initdb here) has none. */
export type PerEngine<T> = { pglite?: T; native?: T }

/** Runs `measure` on PGlite and on a throwaway native cluster (given its URL), as `--engine` allows. */
export async function onEachEngine<T>(
  measure: (engine: 'pglite' | 'native', databaseUrl?: string) => Promise<T>,
): Promise<PerEngine<T>> {
  const only = onlyEngine()
  const pglite = only === 'native' ? undefined : await measure('pglite')
  let native: T | undefined
  if (only !== 'pglite' && initdbAvailable()) {
    const cluster = await startCluster()
    onCleanUp(() => cluster.stop())
    native = await measure('native', cluster.url('postgres'))
  } else if (only !== 'pglite') {
    console.log('\n[native] skipped: no initdb on this machine (apt-get install postgresql)')
  }
  return { pglite, native }
}
