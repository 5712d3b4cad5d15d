/**
 * The chronicle: events, acts, persons, cases and sources, their vocabularies, public pages, open
 * data (API, feeds, exports), imports and statistics. Other modules use it only through this file.
 */
import type { LifelineModule } from '../../platform/module.ts'
import { chronicleApi } from './api/openapi.ts'
import { registerChronicleCommands } from './cli.ts'
import { registerDemoCommand } from './demo/cli.ts'
import { exportJob } from './export/job.ts'
import { importFilesJob } from './import/expire-files.ts'
import { EDIT_CHRONICLE, REVIEW_CHRONICLE } from './policy.ts'
import { registerChronicle } from './register.ts'

/** The chronicle's descriptor. */
export const chronicle: LifelineModule = {
  name: 'chronicle',
  permissions: [EDIT_CHRONICLE, REVIEW_CHRONICLE],
  navigation: [
    { href: '/staff/chronicle/vocabularies', label: 'chronicle.vocabulary.nav', permission: EDIT_CHRONICLE },
    { href: '/staff/chronicle', label: 'chronicle.staff.nav', permission: EDIT_CHRONICLE },
    { href: '/staff/chronicle/import', label: 'chronicle.import.nav', permission: EDIT_CHRONICLE },
  ],
  home: [{ href: '/chronicle', label: 'chronicle.public.homeLink' }],
  jobs: [exportJob, importFilesJob],
  api: chronicleApi,
  cli(program, deps) {
    registerChronicleCommands(program, deps)
    registerDemoCommand(program, deps)
  },
  register: registerChronicle,
}

// What the help desk uses to turn a report into a draft event.
export { approvedTerms } from './commands/event-record.ts'
export { createEvent } from './commands/save-event.ts'
export { eventErrorSummary, eventFields, type TermOption } from './pages/staff-event-form.ts'
export { createEventForm } from './schema.ts'
