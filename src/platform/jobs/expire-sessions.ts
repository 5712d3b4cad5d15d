/** Every ten minutes: delete ended sessions, expired links and old sign-in failures. */
import { deleteExpiredInvites } from '../auth/invites.ts'
import { deleteExpiredSessions } from '../auth/sessions.ts'
import { deleteOldFailures } from '../auth/throttle.ts'
import { defineJob } from './queue.ts'

/** The cleanup job. */
export const expireSessions = defineJob({
  name: 'expire-sessions',
  schedule: '*/10 * * * *',
  async handler(db) {
    await deleteExpiredSessions(db)
    await deleteExpiredInvites(db)
    await deleteOldFailures(db)
  },
})
