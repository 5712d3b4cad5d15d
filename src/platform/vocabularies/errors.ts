/**
 * What changing a vocabulary may refuse, once: its HTTP status; the message is `errors.<CODE>` in the
 * locales. Throw `vocabularyErrors.ERR_X()`.
 */
import { errorCatalogue } from '../errors.ts'

/** The vocabularies' error catalogue. */
export const vocabularyErrors = errorCatalogue({
  // A term proposed with a code its vocabulary already has.
  ERR_TERM_EXISTS: { status: 409 },
  // A term approved or rejected that was already decided.
  ERR_TERM_DECIDED: { status: 409 },
})
