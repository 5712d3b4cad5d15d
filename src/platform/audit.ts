/**
 * The append-only audit log of security events. Database triggers refuse UPDATE, DELETE and TRUNCATE, so
 * nothing the app does can rewrite history. Never put secrets, sealed content or IP addresses here.
 */
import { coarseFloor, onEachWindow } from './coarse-time.ts'
import type { Db } from './db/database.ts'

/** An audited event. */
export type AuditEvent = {
  actorId: string | null
  action: string
  target?: string | null
  detail?: Record<string, string | number | boolean | null | string[]>
  /** When, if not now: a coarse time (coarse-time.ts) for events a writer causes. */
  at?: Date
}

/** Appends one event. Call it inside the transaction of the change it records. */
export async function audit(db: Db, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_id: event.actorId,
      action: event.action,
      target: event.target ?? null,
      detail: JSON.stringify(event.detail ?? {}),
      ...(event.at ? { at: event.at } : {}),
    })
    .execute()
}

/** An event counted rather than written each time; see windowedAudit. */
export type WindowedAudit = { count(): void; flush(): Promise<void> }

const windowed = new WeakMap<Db, Map<string, WindowedAudit>>()

/**
 * An event that a person writing in confidence causes (a mistyped receipt), audited as one row per
 * ten-minute window with how many there were, dated to the window's start. A row per event would date
 * each one by its place among the others: the log's ids follow the exact order of writing. Counts
 * live in memory until the window ends (or `flush`); a crash loses at most one window's count.
 */
export function windowedAudit(db: Db, action: string): WindowedAudit {
  let byAction = windowed.get(db)
  if (!byAction) {
    byAction = new Map()
    windowed.set(db, byAction)
  }
  const known = byAction.get(action)
  if (known) return known
  let pending = 0
  let window = coarseFloor()
  let scheduled = false
  const flush = async () => {
    if (!pending) return
    const count = pending
    pending = 0
    await audit(db, { actorId: null, action, detail: { count }, at: window }).catch(() => {
      pending += count
    })
  }
  const made: WindowedAudit = {
    count() {
      if (!pending) window = coarseFloor()
      pending++
      if (scheduled) return
      scheduled = true
      onEachWindow(() => void flush())
    },
    flush,
  }
  byAction.set(action, made)
  return made
}
