/**
 * An event's history: one row per version with the fields that changed (from → to), who and when.
 * A past version is rebuilt backwards from the current record, undoing later changes, so events
 * that arrived without a creation entry (imports) still compare correctly.
 */
import { sql, type UpdateObject } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import type { Database } from '../../../platform/db/tables.ts'
import {
  type Changes,
  diffRecords,
  type EventRecord,
  type RecordField,
  recordFields,
} from '../queries/event-record.ts'

/** The entity name events' history rows carry. */
export const EVENT_ENTITY = 'event'

/** One version of an event in its history. */
export type HistoryEntry = {
  version: number
  changedAt: Date
  changedBy: string | null
  changedByName: string | null
  changes: Changes
}

/** Appends a version's changes. Call it in the transaction that made them. */
export async function writeHistory(
  db: Db,
  entry: { eventId: number; version: number; actorId: string; changes: Changes },
): Promise<void> {
  await db
    .insertInto('chronicle_history')
    .values({
      entity: EVENT_ENTITY,
      entity_id: entry.eventId,
      version: entry.version,
      changed_by: entry.actorId,
      changes: JSON.stringify(entry.changes),
    })
    .execute()
}

/**
 * Moves an event to its next version after a change that is not a form save (a source, a review
 * step), writing the history row. `edit` marks a change of content: it makes the actor the author
 * of the last edit, which the second-verification rule looks at.
 */
export async function nextVersion(
  db: Db,
  options: {
    eventId: number
    actorId: string
    changes: Changes
    edit: boolean
    set?: UpdateObject<Database, 'chronicle_events'>
  },
): Promise<number> {
  const row = await db
    .updateTable('chronicle_events')
    .set({
      ...(options.set ?? {}),
      version: sql<number>`version + 1`,
      updated_at: sql<Date>`now()`,
      ...(options.edit ? { updated_by: options.actorId } : {}),
    })
    .where('id', '=', options.eventId)
    .returning('version')
    .executeTakeFirstOrThrow()
  await writeHistory(db, {
    eventId: options.eventId,
    version: row.version,
    actorId: options.actorId,
    changes: options.changes,
  })
  return row.version
}

/** Every version of an event, newest first. */
export async function listHistory(db: Db, eventId: number): Promise<HistoryEntry[]> {
  const rows = await db
    .selectFrom('chronicle_history as h')
    .leftJoin('users as u', 'u.id', 'h.changed_by')
    .select(['h.version', 'h.changed_at', 'h.changed_by', 'u.display_name', 'h.changes'])
    .where('h.entity', '=', EVENT_ENTITY)
    .where('h.entity_id', '=', eventId)
    .orderBy('h.version', 'desc')
    .orderBy('h.id', 'desc')
    .execute()
  return rows.map((row) => ({
    version: row.version,
    changedAt: row.changed_at,
    changedBy: row.changed_by,
    changedByName: row.display_name,
    changes: row.changes as Changes,
  }))
}

/** What changed after `version`, field by field: the value then, the value now, and who changed it. */
export type ChangeSince = { field: RecordField; from: unknown; to: unknown; by: string[] }

/** Folds the entries after `version` into one change per field (oldest `from`, newest `to`). */
export function changesSince(history: HistoryEntry[], version: number): ChangeSince[] {
  const later = history.filter((entry) => entry.version > version).sort((a, b) => a.version - b.version)
  const merged = new Map<RecordField, ChangeSince>()
  for (const entry of later) {
    for (const [name, change] of Object.entries(entry.changes) as [
      RecordField,
      { from: unknown; to: unknown },
    ][]) {
      const known = merged.get(name)
      const who = entry.changedByName ?? '—'
      if (known) {
        known.to = change.to
        if (!known.by.includes(who)) known.by.push(who)
      } else merged.set(name, { field: name, from: change.from, to: change.to, by: [who] })
    }
  }
  return recordFields.flatMap((name) => {
    const change = merged.get(name)
    return change && JSON.stringify(change.from) !== JSON.stringify(change.to) ? [change] : []
  })
}

/** The record as it was at `version`: the current one with every later change undone. */
export function recordAt(current: EventRecord, history: HistoryEntry[], version: number): EventRecord {
  const record = structuredClone(current) as Record<RecordField, unknown>
  const later = history.filter((entry) => entry.version > version).sort((a, b) => b.version - a.version)
  for (const entry of later) {
    for (const [name, change] of Object.entries(entry.changes)) {
      if ((recordFields as readonly string[]).includes(name)) record[name as RecordField] = change.from
    }
  }
  return record as EventRecord
}

/** The fields that differ between two versions, with each version's value. */
export function compareVersions(
  current: EventRecord,
  history: HistoryEntry[],
  a: number,
  b: number,
): Changes {
  return diffRecords(recordAt(current, history, a), recordAt(current, history, b))
}
