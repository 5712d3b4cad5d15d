/** Every error the staff area answers with; the message of each is `errors.<CODE>`. */
import { errorCatalogue } from '../../platform/errors.ts'

/** The staff area's error catalogue. */
export const staffErrors = errorCatalogue({
  /** An admin may not take the admin role from themselves (someone must keep it). */
  ERR_OWN_ADMIN_ROLE: { status: 409 },
  /** No reset link for oneself (use the account page) or for a disabled account. */
  ERR_RESET_NOT_ALLOWED: { status: 409 },
  /** An admin may not disable their own account. */
  ERR_DISABLE_SELF: { status: 409 },
})
