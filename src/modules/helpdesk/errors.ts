/**
 * The help desk's error catalogue: every code it throws, with its HTTP status. The messages are
 * `errors.<CODE>` (the help desk's locales, or the platform's for codes it shares).
 */
import { errorCatalogue } from '../../platform/errors.ts'

/** The help desk's errors: `throw errors.ERR_X()`. */
export const errors = errorCatalogue({
  // Past the per-address limit of the public forms (routes/public.ts).
  ERR_HELPDESK_RATE_LIMITED: { status: 429 },
  // A report's part that doesn't open as what its row says it is (report-lock.ts).
  ERR_HELPDESK_REPORT_MISMATCH: { status: 409 },
  // Giving a disabled member access to sealed records (routes/manage.ts).
  ERR_GRANTEE_DISABLED: { status: 409 },
  // Re-keying a desk by someone who is not an enabled member of it (routes/rotation.ts).
  ERR_ROTATION_NOT_MEMBER: { status: 409 },
})
