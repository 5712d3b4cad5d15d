/**
 * The chronicle: events, acts, persons, cases and sources, their vocabularies, public pages, open
 * data (API, feeds, exports), imports and statistics. Other modules use it only through this file.
 */
import type { LifelineModule } from '../../platform/module.ts'
import { registerChronicleCommands } from './cli.ts'
import { registerDemoCommand } from './demo/cli.ts'
import { importFilesJob } from './jobs/expire-import-files.ts'
import { exportJob, exportSweepJob } from './jobs/export.ts'
import { importJob } from './jobs/import.ts'
import { chronicleApi } from './openapi.ts'
import { EDIT_CHRONICLE, REVIEW_CHRONICLE } from './policy.ts'
import { chronicleFirstSteps } from './queries/first-steps.ts'
import { registerChronicle } from './register.ts'

/** The chronicle's descriptor. */
export const chronicle: LifelineModule = {
  name: 'chronicle',
  title: 'chronicle.module.title',
  permissions: [EDIT_CHRONICLE, REVIEW_CHRONICLE],
  navigation: [
    { href: '/staff/chronicle', label: 'chronicle.staff.nav', permission: EDIT_CHRONICLE },
    { href: '/staff/chronicle/import', label: 'chronicle.import.nav', permission: EDIT_CHRONICLE },
    { href: '/staff/chronicle/vocabularies', label: 'chronicle.vocabulary.nav', permission: EDIT_CHRONICLE },
  ],
  home: [
    {
      href: '/chronicle',
      name: 'chronicle.public.home.name',
      description: 'chronicle.public.home.description',
      label: 'chronicle.public.home.link',
    },
  ],
  firstSteps: chronicleFirstSteps,
  jobs: [exportJob, exportSweepJob, importJob, importFilesJob],
  api: chronicleApi,
  cli(program, deps) {
    registerChronicleCommands(program, deps)
    registerDemoCommand(program, deps)
  },
  register: registerChronicle,
}

// What the help desk uses to take an event out of public view when its writer withdraws consent.
export { unpublishEvent } from './commands/publish-event.ts'
export { createEvent } from './commands/save-event.ts'
export { eventErrorSummary, eventFields, type TermOption } from './pages/staff-event-form.ts'
// What the help desk uses to turn a report into a draft event.
export { approvedTerms } from './queries/event-record.ts'
export { termIds } from './queries/filters.ts'
// The event's flat field names (the help desk's conversion lists the same), and filter codes → term ids.
export { factFields, textFields } from './schema/event-fields.ts'
export { createEventForm } from './schema/events.ts'
