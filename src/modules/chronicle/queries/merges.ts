/** Reading merges: the merge an event is in, and where a merged event's id leads. */
import type { Db } from '../../../platform/db/database.ts'

/** The latest merge of an event into another that is not undone, or undefined. */
export function activeMerge(db: Db, mergedId: number) {
  return db
    .selectFrom('chronicle_merges')
    .selectAll()
    .where('merged_id', '=', mergedId)
    .where('undone_at', 'is', null)
    .orderBy('id', 'desc')
    .executeTakeFirst()
}

/** A merged event's note: the survivor, and whether the merge can still be undone (nothing changed since). */
export async function mergeNote(
  db: Db,
  event: { id: number; version: number },
): Promise<{ into: number; undoable: boolean } | null> {
  const merge = await activeMerge(db, event.id)
  if (!merge) return null
  const survivor = await db
    .selectFrom('chronicle_events')
    .select('version')
    .where('id', '=', merge.survivor_id)
    .executeTakeFirst()
  const undoable = survivor?.version === merge.survivor_version && event.version === merge.merged_version
  return { into: Number(merge.survivor_id), undoable }
}

/** The survivor a merged event's id leads to (following later merges, at most 20), or null if not merged. */
export async function survivorOf(db: Db, id: number): Promise<number | null> {
  let current = id
  for (let step = 0; step < 20; step++) {
    const row = await db
      .selectFrom('chronicle_events')
      .select('merged_into')
      .where('id', '=', current)
      .executeTakeFirst()
    if (!row) return null
    if (row.merged_into === null) return current === id ? null : current
    current = Number(row.merged_into)
  }
  return null
}
