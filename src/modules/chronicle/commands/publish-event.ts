/**
 * Publishing and unpublishing. Publishing needs a verified event with a source; with the setting
 * `chronicle.require_second_verification` on, it needs two reviewers' verifications, the latest by
 * someone other than the author of the last edit. An event merged into another is never published:
 * its survivor is the event (the database refuses it too). Statistics follow by the rollup trigger.
 */
import { sql } from 'kysely'
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'
import { notFound } from '../../../platform/errors.ts'
import { errors, type PublishBlocker } from '../errors.ts'
import { loadEvent } from '../queries/event-record.ts'
import { listVerifications, secondVerificationRequired } from '../queries/reviews.ts'
import { nextVersion } from './history.ts'
import { eventAtVersion } from './review.ts'

/** Why an event can't be published now (an error code), or null when it can. */
export async function publishBlocker(
  db: Db,
  event: {
    id: number
    record: { status: string; sources: unknown[] }
    updatedBy: string | null
    mergedInto: number | null
  },
): Promise<PublishBlocker | null> {
  if (event.mergedInto !== null) return 'ERR_EVENT_MERGED'
  if (!event.record.sources.length) return 'ERR_EVENT_NO_SOURCE'
  if (event.record.status !== 'verified') return 'ERR_EVENT_NOT_VERIFIED'
  if (await secondVerificationRequired(db)) {
    const verifications = await listVerifications(db, event.id)
    if (verifications.length < 2) return 'ERR_EVENT_SECOND_VERIFICATION'
    const latest = verifications[verifications.length - 1]!
    if (latest.user_id === event.updatedBy) return 'ERR_EVENT_VERIFIER_IS_AUTHOR'
  }
  return null
}

/** Publishes the event at the version the reviewer saw. Run it in a transaction. */
export async function publishEvent(
  db: Db,
  options: { actorId: string; eventId: number; version: number },
): Promise<void> {
  const event = await eventAtVersion(db, options.eventId, options.version)
  if (event.record.published) return
  const blocker = await publishBlocker(db, event)
  if (blocker) throw errors[blocker]()
  const version = await nextVersion(db, {
    eventId: event.id,
    actorId: options.actorId,
    edit: false,
    set: { published_at: sql<Date>`now()` },
    changes: { published: { from: false, to: true } },
  })
  await audit(db, {
    actorId: options.actorId,
    action: 'chronicle.event.published',
    target: `event:${event.id}`,
    detail: { version },
  })
}

/**
 * Takes the event out of public view; its review status stays. Run it in a transaction. With
 * `sensitive` it is also marked sensitive, so that should it be published again its place and day
 * are blurred. A null actor is the system (the history shows no one); `at` dates the change other
 * than now, for a change a person outside the staff caused, kept as coarse as their other traces.
 */
export async function unpublishEvent(
  db: Db,
  options: { actorId: string | null; eventId: number; sensitive?: boolean; at?: Date },
): Promise<void> {
  const event = await loadEvent(db, options.eventId, { forUpdate: true })
  if (!event) throw notFound()
  const wasPublished = event.record.published
  const blurs = Boolean(options.sensitive) && !event.record.sensitive
  if (!wasPublished && !blurs) return
  const version = await nextVersion(db, {
    eventId: event.id,
    actorId: options.actorId,
    edit: false,
    set: { ...(wasPublished ? { published_at: null } : {}), ...(blurs ? { sensitive: true } : {}) },
    changes: {
      ...(wasPublished ? { published: { from: true, to: false } } : {}),
      ...(blurs ? { sensitive: { from: false, to: true } } : {}),
    },
    at: options.at,
  })
  if (!wasPublished) return
  await audit(db, {
    actorId: options.actorId,
    action: 'chronicle.event.unpublished',
    target: `event:${event.id}`,
    detail: { version },
    at: options.at,
  })
}
