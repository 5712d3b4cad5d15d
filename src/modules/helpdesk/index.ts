/**
 * The help desk: public forms sealed on arrival, receipts for follow-up, the staff queue of each desk,
 * desk set-up, reply templates and retention. Other modules use it only through this file.
 */
import type { LifelineModule } from '../../platform/module.ts'
import { retentionJob } from './jobs/retention.ts'
import { helpdeskApi } from './openapi.ts'
import { deskBase } from './pages/desk.ts'
import { templatesBase } from './pages/templates.ts'
import { textsBase } from './pages/texts.ts'
import { ASSIGN_HELPDESK, MANAGE_HELPDESK, ROTATE_HELPDESK, WORK_HELPDESK } from './policy.ts'
import { helpdeskFirstSteps } from './queries/first-steps.ts'
import { reportKeysInUse } from './queries/report-keys.ts'
import { registerHelpdesk } from './register.ts'

/** The help desk's descriptor. */
export const helpdesk: LifelineModule = {
  name: 'helpdesk',
  title: 'helpdesk.module.title',
  permissions: [WORK_HELPDESK, ASSIGN_HELPDESK, MANAGE_HELPDESK, ROTATE_HELPDESK],
  navigation: [
    { href: deskBase, label: 'helpdesk.desk.nav', permission: WORK_HELPDESK },
    { href: `${deskBase}/retention`, label: 'helpdesk.retention.nav', permission: ASSIGN_HELPDESK },
    { href: `${deskBase}/desks`, label: 'helpdesk.manage.nav', permission: MANAGE_HELPDESK },
    { href: templatesBase, label: 'helpdesk.templates.nav', permission: MANAGE_HELPDESK },
    { href: textsBase, label: 'helpdesk.texts.nav', permission: MANAGE_HELPDESK },
  ],
  home: [
    {
      href: '/help',
      name: 'helpdesk.home.name',
      description: 'helpdesk.home.description',
      label: 'helpdesk.home.link',
    },
    {
      href: '/help/rights',
      name: 'helpdesk.home.rightsName',
      description: 'helpdesk.home.rightsDescription',
      label: 'helpdesk.home.rightsLink',
    },
  ],
  firstSteps: helpdeskFirstSteps,
  jobs: [retentionJob],
  // Reports name their erasure keys: the platform's sweep of orphaned keys leaves those alone.
  erasureKeys: { name: 'helpdesk', keysInUse: reportKeysInUse },
  api: helpdeskApi,
  register: registerHelpdesk,
}
