/** The audit log for admins, filterable by action, actor and date, 50 entries a page. */
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../../platform/db/database.ts'
import type { ModuleDeps } from '../../platform/module.ts'
import { READ_AUDIT } from '../../platform/policy.ts'
import { pageContext, sendPage } from '../../platform/request-context.ts'
import { parseForm } from '../../platform/validation.ts'
import { auditPage } from './pages/audit.ts'
import { auditQuery } from './schema.ts'

const PAGE_SIZE = 50

/** Registers /staff/audit. */
export function registerAuditRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  app.get('/staff/audit', { config: { policy: { permission: READ_AUDIT } } }, async (request, reply) => {
    const parsed = parseForm(auditQuery, request.query)
    const filters = parsed.ok ? parsed.data : {}
    let query = db
      .selectFrom('audit_log')
      .leftJoin('users', 'users.id', 'audit_log.actor_id')
      .select([
        'audit_log.id',
        'audit_log.at',
        'audit_log.action',
        'audit_log.target',
        'audit_log.detail',
        'users.email',
      ])
      .orderBy('audit_log.id', 'desc')
      .limit(PAGE_SIZE + 1)
    if (filters.action) query = query.where('audit_log.action', '=', filters.action)
    if (filters.actor) query = query.where('users.email', '=', filters.actor.toLowerCase())
    if (filters.from) query = query.where('audit_log.at', '>=', new Date(`${filters.from}T00:00:00Z`))
    if (filters.to)
      query = query.where(
        'audit_log.at',
        '<',
        new Date(new Date(`${filters.to}T00:00:00Z`).getTime() + 86_400_000),
      )
    if (filters.before) query = query.where('audit_log.id', '<', filters.before)
    const rows = await query.execute()
    const actions = await distinctActions(db)
    const page = auditPage(pageContext(request), {
      entries: rows.slice(0, PAGE_SIZE),
      nextBefore: rows.length > PAGE_SIZE ? rows[PAGE_SIZE - 1]!.id : null,
      actions,
      filters,
      errors: parsed.ok ? {} : parsed.errors,
    })
    return sendPage(reply, page, parsed.ok ? 200 : 400)
  })
}

// The event names for the filter. A plain DISTINCT reads the whole log; this walks the (action, at)
// index from one name to the next, a few lookups per name however long the log grows.
async function distinctActions(db: Db): Promise<string[]> {
  const { rows } = await sql<{ action: string }>`
    WITH RECURSIVE names AS (
      (SELECT action FROM audit_log ORDER BY action LIMIT 1)
      UNION ALL
      SELECT (SELECT action FROM audit_log WHERE action > names.action ORDER BY action LIMIT 1)
      FROM names WHERE names.action IS NOT NULL
    )
    SELECT action FROM names WHERE action IS NOT NULL`.execute(db)
  return rows.map((row) => row.action)
}
