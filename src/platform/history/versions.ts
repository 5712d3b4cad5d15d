/**
 * Versioned records and their history: each version lists the fields that changed (from → to), who
 * changed them and when. A past version is rebuilt backwards from the current record, undoing later
 * changes, so records that arrived without a creation entry (imports) still compare correctly.
 * Pure: the module that keeps a history stores its entries (one row per entity type, id and version)
 * and names its fields in the order its pages list them.
 */

/** One field's change: the value before and after. */
export type FieldChange = { from: unknown; to: unknown }

/** What changed between two versions of a record: field → from, to. */
export type Changes<F extends string> = Partial<Record<F, FieldChange>>

/** One version of a record in its history. */
export type HistoryEntry<F extends string> = {
  version: number
  changedAt: Date
  changedBy: string | null
  changedByName: string | null
  changes: Changes<F>
}

/** A history row as the modules store it (with the changer's display name joined), as an entry. */
export function historyEntry<F extends string>(row: {
  version: number
  changed_at: Date
  changed_by: string | null
  display_name: string | null
  changes: unknown
}): HistoryEntry<F> {
  return {
    version: row.version,
    changedAt: row.changed_at,
    changedBy: row.changed_by,
    changedByName: row.display_name,
    changes: row.changes as Changes<F>,
  }
}

/** What changed after a version, field by field: the value then, the value now, and who changed it. */
export type ChangeSince<F extends string> = { field: F; from: unknown; to: unknown; by: string[] }

/** The fields (of `fields`, in their order) whose values differ, with both values. */
export function diffRecords<F extends string>(
  fields: readonly F[],
  before: Partial<Record<F, unknown>>,
  after: Partial<Record<F, unknown>>,
): Changes<F> {
  const changes: Changes<F> = {}
  for (const name of fields) {
    if (!(name in after) && !(name in before)) continue
    const from = before[name] ?? null
    const to = after[name] ?? null
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[name] = { from, to }
  }
  return changes
}

/** Folds the entries after `version` into one change per field (oldest `from`, newest `to`). */
export function changesSince<F extends string>(
  fields: readonly F[],
  history: HistoryEntry<F>[],
  version: number,
): ChangeSince<F>[] {
  const later = history.filter((entry) => entry.version > version).sort((a, b) => a.version - b.version)
  const merged = new Map<F, ChangeSince<F>>()
  for (const entry of later) {
    for (const [name, change] of Object.entries(entry.changes) as [F, FieldChange][]) {
      const known = merged.get(name)
      const who = entry.changedByName ?? '—'
      if (known) {
        known.to = change.to
        if (!known.by.includes(who)) known.by.push(who)
      } else merged.set(name, { field: name, from: change.from, to: change.to, by: [who] })
    }
  }
  return fields.flatMap((name) => {
    const change = merged.get(name)
    return change && JSON.stringify(change.from) !== JSON.stringify(change.to) ? [change] : []
  })
}

/** The record as it was at `version`: the current one with every later change undone. */
export function recordAt<F extends string, R extends Record<F, unknown>>(
  fields: readonly F[],
  current: R,
  history: HistoryEntry<F>[],
  version: number,
): R {
  const record = structuredClone(current) as Record<F, unknown>
  const later = history.filter((entry) => entry.version > version).sort((a, b) => b.version - a.version)
  for (const entry of later) {
    for (const [name, change] of Object.entries(entry.changes) as [string, FieldChange][]) {
      if ((fields as readonly string[]).includes(name)) record[name as F] = change.from
    }
  }
  return record as R
}

/** The fields that differ between two versions, with each version's value. */
export function compareVersions<F extends string, R extends Record<F, unknown>>(
  fields: readonly F[],
  current: R,
  history: HistoryEntry<F>[],
  a: number,
  b: number,
): Changes<F> {
  return diffRecords(fields, recordAt(fields, current, history, a), recordAt(fields, current, history, b))
}
