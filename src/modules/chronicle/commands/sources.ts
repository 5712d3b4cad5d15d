/**
 * Adding and removing an event's sources. Each is a change of the event's content: a new version, a
 * history row (the list of sources before → after) and an audit entry. The last source can't go.
 */
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'
import { notFound } from '../../../platform/errors.ts'
import { errors } from '../errors.ts'
import { loadEvent, type SourceSnapshot } from '../queries/event-record.ts'
import type { SourceFormInput } from '../schema/events.ts'
import { nextVersion } from './history.ts'
import { sourceColumns } from './save-event.ts'

/** Adds a source to an event. Run it in a transaction. */
export async function addSource(
  db: Db,
  options: { actorId: string; eventId: number; source: SourceFormInput },
): Promise<number> {
  const event = await loadEvent(db, options.eventId, { forUpdate: true })
  if (!event) throw notFound()
  const { id } = await db
    .insertInto('chronicle_sources')
    .values(sourceColumns(options.eventId, options.source))
    .returning('id')
    .executeTakeFirstOrThrow()
  const after = (await loadEvent(db, options.eventId))!.record.sources
  return recordChange(db, options, 'chronicle.source.added', id, event.record.sources, after)
}

/** Removes one of an event's sources, unless it is the last one. Run it in a transaction. */
export async function removeSource(
  db: Db,
  options: { actorId: string; eventId: number; sourceId: number },
): Promise<number> {
  const event = await loadEvent(db, options.eventId, { forUpdate: true })
  if (!event) throw notFound()
  if (!event.record.sources.some((source) => source.id === options.sourceId)) throw notFound()
  if (event.record.sources.length === 1) throw errors.ERR_EVENT_LAST_SOURCE()
  await db
    .deleteFrom('chronicle_sources')
    .where('id', '=', options.sourceId)
    .where('event_id', '=', options.eventId)
    .execute()
  const after = event.record.sources.filter((source) => source.id !== options.sourceId)
  return recordChange(db, options, 'chronicle.source.removed', options.sourceId, event.record.sources, after)
}

// The event's new version with the sources before and after in its history, and the audit entry.
async function recordChange(
  db: Db,
  options: { actorId: string; eventId: number },
  action: 'chronicle.source.added' | 'chronicle.source.removed',
  sourceId: number,
  before: SourceSnapshot[],
  after: SourceSnapshot[],
): Promise<number> {
  const version = await nextVersion(db, {
    eventId: options.eventId,
    actorId: options.actorId,
    edit: true,
    changes: { sources: { from: before, to: after } },
  })
  await audit(db, {
    actorId: options.actorId,
    action,
    target: `event:${options.eventId}`,
    detail: { source: sourceId, version },
  })
  return version
}
