/**
 * Reading the chronicle's history (one `chronicle_history` table for every entity type, told apart by
 * its `entity` column) and the event's versions rebuilt from it. The folding of versions is the
 * platform's (platform/history/versions.ts); the event's fields and their order are the chronicle's.
 */
import type { Db } from '../../../platform/db/database.ts'
import * as versions from '../../../platform/history/versions.ts'
import { type Changes, type EventRecord, type RecordField, recordFields } from './event-record.ts'

/** The entity name events' history rows carry. */
export const EVENT_ENTITY = 'event'

/** One version of an event in its history. */
export type HistoryEntry = versions.HistoryEntry<RecordField>

/** What changed after a version, field by field: the value then, the value now, and who changed it. */
export type ChangeSince = versions.ChangeSince<RecordField>

/** Every version of one entity (of type `entity`), newest first. */
export async function listHistory<F extends string>(
  db: Db,
  entity: string,
  entityId: number,
): Promise<versions.HistoryEntry<F>[]> {
  const rows = await db
    .selectFrom('chronicle_history as h')
    .leftJoin('users as u', 'u.id', 'h.changed_by')
    .select(['h.version', 'h.changed_at', 'h.changed_by', 'u.display_name', 'h.changes'])
    .where('h.entity', '=', entity)
    .where('h.entity_id', '=', entityId)
    .orderBy('h.version', 'desc')
    .orderBy('h.id', 'desc')
    .execute()
  return rows.map((row) => versions.historyEntry<F>(row))
}

/** Every version of an event, newest first. */
export function listEventHistory(db: Db, eventId: number): Promise<HistoryEntry[]> {
  return listHistory<RecordField>(db, EVENT_ENTITY, eventId)
}

/** Folds the entries after `version` into one change per field (oldest `from`, newest `to`). */
export function changesSince(history: HistoryEntry[], version: number): ChangeSince[] {
  return versions.changesSince(recordFields, history, version)
}

/** The event's record as it was at `version`: the current one with every later change undone. */
export function recordAt(current: EventRecord, history: HistoryEntry[], version: number): EventRecord {
  return versions.recordAt(recordFields, current, history, version)
}

/** The fields that differ between two versions, with each version's value. */
export function compareVersions(
  current: EventRecord,
  history: HistoryEntry[],
  a: number,
  b: number,
): Changes {
  return versions.compareVersions(recordFields, current, history, a, b)
}
