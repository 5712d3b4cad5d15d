/**
 * Every error the chronicle answers with, once: its HTTP status; the message is `errors.<CODE>` in the
 * chronicle's locales. Throw `errors.ERR_X()`; the general ones (a form that can't be read, an error on
 * our side) are the platform's `platformErrors`.
 */
import { errorCatalogue } from '../../platform/errors.ts'

/** The chronicle's error catalogue. */
export const errors = errorCatalogue({
  // A filter of the API, a feed or an export that is not one the schema accepts.
  ERR_INVALID_QUERY: { status: 400 },
  // The API's `cursor` is not one it handed out.
  ERR_BAD_CURSOR: { status: 400 },
  // The statistics filter could not be read (a bad date, code, status or measure).
  ERR_STATS_FILTER: { status: 400 },
  // Edits and reviews name the version they saw; someone saved another since.
  ERR_EVENT_STALE: { status: 409 },
  // Why an event can't be verified or published yet (see commands/publish-event.ts).
  ERR_EVENT_NO_SOURCE: { status: 409 },
  ERR_EVENT_NOT_VERIFIED: { status: 409 },
  ERR_EVENT_SECOND_VERIFICATION: { status: 409 },
  ERR_EVENT_VERIFIER_IS_AUTHOR: { status: 409 },
  // The event was merged into another: that one is published, never this.
  ERR_EVENT_MERGED: { status: 409 },
  // An event keeps at least one source.
  ERR_EVENT_LAST_SOURCE: { status: 409 },
  // Too many exports waiting for the background jobs; try again later.
  ERR_EXPORTS_BUSY: { status: 503 },
  // Imports: the upload was over the limit; a mapping that publishes needs a reviewer; the job is not
  // in the state the action needs.
  ERR_IMPORT_TOO_LARGE: { status: 413 },
  ERR_IMPORT_PUBLISH_FORBIDDEN: { status: 403 },
  ERR_IMPORT_NOT_READY: { status: 409 },
  ERR_IMPORT_NOT_INTERRUPTED: { status: 409 },
})

/** One of the chronicle's error codes. */
export type ChronicleErrorCode = keyof typeof errors

/** Why an event can't be published now, as publishBlocker names it. */
export type PublishBlocker =
  | 'ERR_EVENT_NO_SOURCE'
  | 'ERR_EVENT_NOT_VERIFIED'
  | 'ERR_EVENT_SECOND_VERIFICATION'
  | 'ERR_EVENT_VERIFIER_IS_AUTHOR'
  | 'ERR_EVENT_MERGED'
