/**
 * Review: a reviewer verifies an event (recording who and when) or disputes it. Both need the
 * version the reviewer looked at, so nobody verifies a text they have not seen; an event without a
 * source can't be verified.
 */
import { sql } from 'kysely'
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'
import { notFound } from '../../../platform/errors.ts'
import { errors } from '../errors.ts'
import { loadEvent, type StaffEvent } from '../queries/event-record.ts'
import { nextVersion } from './history.ts'

/** The event at the version the reviewer saw, locked; refuses a stale version. */
export async function eventAtVersion(db: Db, id: number, version: number): Promise<StaffEvent> {
  const event = await loadEvent(db, id, { forUpdate: true })
  if (!event) throw notFound()
  if (event.version !== version) throw errors.ERR_EVENT_STALE()
  return event
}

/** Records the actor's verification and marks the event verified. Run it in a transaction. */
export async function verifyEvent(
  db: Db,
  options: { actorId: string; eventId: number; version: number },
): Promise<void> {
  const event = await eventAtVersion(db, options.eventId, options.version)
  if (!event.record.sources.length) throw errors.ERR_EVENT_NO_SOURCE()
  // Verifying again moves the verification to now: it then counts as the latest.
  await db
    .insertInto('chronicle_verifications')
    .values({ event_id: event.id, user_id: options.actorId })
    .onConflict((oc) => oc.columns(['event_id', 'user_id']).doUpdateSet({ at: sql<Date>`now()` }))
    .execute()
  let version = event.version
  if (event.record.status !== 'verified') {
    version = await nextVersion(db, {
      eventId: event.id,
      actorId: options.actorId,
      edit: false,
      set: { status: 'verified' },
      changes: { status: { from: event.record.status, to: 'verified' } },
    })
  }
  await audit(db, {
    actorId: options.actorId,
    action: 'chronicle.event.verified',
    target: `event:${event.id}`,
    detail: { version },
  })
}

/**
 * Marks the event disputed and drops its verifications: verifying it again starts afresh. A
 * published event stays public, shown as disputed. Run it in a transaction.
 */
export async function disputeEvent(
  db: Db,
  options: { actorId: string; eventId: number; version: number },
): Promise<void> {
  const event = await eventAtVersion(db, options.eventId, options.version)
  await db.deleteFrom('chronicle_verifications').where('event_id', '=', event.id).execute()
  let version = event.version
  if (event.record.status !== 'disputed') {
    version = await nextVersion(db, {
      eventId: event.id,
      actorId: options.actorId,
      edit: false,
      set: { status: 'disputed' },
      changes: { status: { from: event.record.status, to: 'disputed' } },
    })
  }
  await audit(db, {
    actorId: options.actorId,
    action: 'chronicle.event.disputed',
    target: `event:${event.id}`,
    detail: { version },
  })
}
