/**
 * The append-only audit log of security events. Database triggers refuse UPDATE, DELETE and TRUNCATE, so
 * nothing the app does can rewrite history. Never put secrets, sealed content or IP addresses here.
 */
import type { Db } from './db/database.ts'

/** An audited event. */
export type AuditEvent = {
  actorId: string | null
  action: string
  target?: string | null
  detail?: Record<string, string | number | boolean | null | string[]>
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
    })
    .execute()
}
