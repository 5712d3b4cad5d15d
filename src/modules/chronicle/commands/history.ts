/**
 * Writing the chronicle's history: one row per version with the fields that changed (from → to), who
 * and when (read back by queries/history.ts).
 */
import { sql, type UpdateObject } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import type { Database } from '../../../platform/db/tables.ts'
import type { Changes } from '../queries/event-record.ts'
import { EVENT_ENTITY } from '../queries/history.ts'

/**
 * Appends a version's changes to the history of one entity (of type `entity`: events are
 * EVENT_ENTITY). Call it in the transaction that made them. A null actor is the system; `at` dates a
 * change other than now.
 */
export async function writeHistory(
  db: Db,
  entry: {
    entity: string
    entityId: number
    version: number
    actorId: string | null
    changes: object
    at?: Date
  },
): Promise<void> {
  await db
    .insertInto('chronicle_history')
    .values({
      entity: entry.entity,
      entity_id: entry.entityId,
      version: entry.version,
      changed_by: entry.actorId,
      changes: JSON.stringify(entry.changes),
      ...(entry.at ? { changed_at: entry.at } : {}),
    })
    .execute()
}

/**
 * Moves an event to its next version after a change that is not a form save (a source, a review
 * step), writing the history row. `edit` marks a change of content: it makes the actor the author
 * of the last edit, which the second-verification rule looks at. A null actor is the system, and
 * `at` dates the change other than now (see unpublishEvent).
 */
export async function nextVersion(
  db: Db,
  options: {
    eventId: number
    actorId: string | null
    changes: Changes
    edit: boolean
    set?: UpdateObject<Database, 'chronicle_events'>
    at?: Date
  },
): Promise<number> {
  const row = await db
    .updateTable('chronicle_events')
    .set({
      ...(options.set ?? {}),
      version: sql<number>`version + 1`,
      updated_at: options.at ?? sql<Date>`now()`,
      ...(options.edit ? { updated_by: options.actorId } : {}),
    })
    .where('id', '=', options.eventId)
    .returning('version')
    .executeTakeFirstOrThrow()
  await writeHistory(db, {
    entity: EVENT_ENTITY,
    entityId: options.eventId,
    version: row.version,
    actorId: options.actorId,
    changes: options.changes,
    at: options.at,
  })
  return row.version
}
