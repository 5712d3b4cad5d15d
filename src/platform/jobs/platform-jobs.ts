/** The platform's own background jobs, beside which every module's (module.ts) run. */
import { storedFilesJob } from '../db/stored-files.ts'
import type { LifelineModule } from '../module.ts'
import { expireSessions } from './expire-sessions.ts'
import { analyzeDatabase, vacuumDatabase } from './maintain-database.ts'
import type { JobDefinition } from './queue.ts'
import { stockErasureKeys } from './stock-erasure-keys.ts'
import { sweepErasureKeysJob } from './sweep-erasure-keys.ts'

/** The platform's jobs; the erasure-key sweep asks the modules which keys their items name. */
export function platformJobs(modules: readonly LifelineModule[]): JobDefinition[] {
  const owners = modules.flatMap((module) => (module.erasureKeys ? [module.erasureKeys] : []))
  return [
    expireSessions,
    analyzeDatabase,
    vacuumDatabase,
    stockErasureKeys,
    sweepErasureKeysJob(owners),
    storedFilesJob,
  ]
}
