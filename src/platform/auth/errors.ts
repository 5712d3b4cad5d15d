/**
 * Every error the sign-in, account and passkey routes answer with, once: its HTTP status; the message
 * is `errors.<CODE>` in locales/*.json unless named here. Throw `authErrors.ERR_X()`.
 */
import { errorCatalogue } from '../errors.ts'

/** The accounts' error catalogue. */
export const authErrors = errorCatalogue({
  // A step that needs the current code (adding a passkey) was sent without one.
  ERR_REAUTH_MISSING: { status: 400, message: 'reauth.required' },
  // The code was wrong or already used: the member did not show it is them.
  ERR_REAUTH_FAILED: { status: 401 },
  // The passkey's answer could not be checked, or came without a challenge.
  ERR_PASSKEY_FAILED: { status: 400 },
  ERR_PASSKEY_KNOWN: { status: 409 },
  // The password is right but opens a key that is not the account's (audited; see accounts.ts).
  ERR_ACCOUNT_KEY_MISMATCH: { status: 409 },
})
