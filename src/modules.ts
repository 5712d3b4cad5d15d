/**
 * The composition root: the modules this Lifeline runs, in the order their navigation entries and
 * home-page links appear, and everything gathered from their descriptors (platform/module.ts).
 */
import { chronicle } from './modules/chronicle/index.ts'
import { helpdesk } from './modules/helpdesk/index.ts'
import { home } from './modules/home/index.ts'
import { staff } from './modules/staff/index.ts'
import { platformJobs } from './platform/jobs/platform-jobs.ts'
import type { JobDefinition } from './platform/jobs/queue.ts'
import { type LifelineModule, moduleJobs } from './platform/module.ts'

/** The installed modules. */
export const installedModules: readonly LifelineModule[] = [home, staff, chronicle, helpdesk]

/** Every background job: the platform's and each module's. */
export function allJobs(modules: readonly LifelineModule[] = installedModules): JobDefinition[] {
  return moduleJobs([{ name: 'platform', jobs: platformJobs(modules), register() {} }, ...modules])
}
