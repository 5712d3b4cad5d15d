/** The help desk's retention job (pg-boss, hourly). */
import { defineJob } from '../../../platform/jobs/queue.ts'
import { deleteExpiredReports } from '../commands/delete-expired-reports.ts'
import { forgetSpentProofs } from '../commands/forget-spent-proofs.ts'

/** Hourly: delete the reports whose retention has passed, and forget expired proofs of work. */
export const retentionJob = defineJob({
  name: 'helpdesk-retention',
  schedule: '23 * * * *',
  async handler(db) {
    await deleteExpiredReports(db)
    await forgetSpentProofs(db)
  },
})
