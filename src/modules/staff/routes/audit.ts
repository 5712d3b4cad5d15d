/** The audit log for admins, filterable by action, actor and date, 50 entries a page. */
import type { FastifyInstance } from 'fastify'
import type { ModuleDeps } from '../../../platform/module.ts'
import { READ_AUDIT } from '../../../platform/policy.ts'
import { pageContext, sendPage } from '../../../platform/request-context.ts'
import { parseForm } from '../../../platform/validation.ts'
import { auditPage } from '../pages/audit.ts'
import { idsIn } from '../pages/audit-words.ts'
import { auditEntries, auditNames, distinctActions } from '../queries/audit.ts'
import { auditQuery } from '../schema.ts'

const PAGE_SIZE = 50

/** Registers /staff/audit. */
export function registerAuditRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  app.get('/staff/audit', { config: { policy: { permission: READ_AUDIT } } }, async (request, reply) => {
    const parsed = parseForm(auditQuery, request.query)
    const filters = parsed.ok ? parsed.data : {}
    const rows = await auditEntries(db, filters, PAGE_SIZE + 1)
    const entries = rows.slice(0, PAGE_SIZE)
    const [actions, names] = await Promise.all([distinctActions(db), auditNames(db, entries.flatMap(idsIn))])
    const page = auditPage(pageContext(request), {
      entries,
      names,
      nextBefore: rows.length > PAGE_SIZE ? rows[PAGE_SIZE - 1]!.id : null,
      actions,
      filters,
      errors: parsed.ok ? {} : parsed.errors,
    })
    return sendPage(reply, page, parsed.ok ? 200 : 400)
  })
}
