/**
 * The help desk benchmark's baseline (`npm run bench -- helpdesk`), added to the app only by the
 * benchmark's server (helpdesk-server.ts) through buildApp's `extraRoutes`: `POST /help/bench-plain/legal`
 * checks a form exactly as /help/legal does and keeps the same rows a report keeps, with what the writer
 * sent stored in clear instead of sealed, in a table of its own made here. The difference between the
 * two is what sealing costs. It keeps plaintext: it is no part of Lifeline and never runs where real
 * people write.
 */
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { receiptPage } from '../../src/modules/helpdesk/pages/public.ts'
import { deskFor } from '../../src/modules/helpdesk/queries/routing.ts'
import { reportForms } from '../../src/modules/helpdesk/routes/report-form.ts'
import { categoryOf, urgencyOf } from '../../src/modules/helpdesk/triage.ts'
import { coarseFloor } from '../../src/platform/coarse-time.ts'
import { keyedHash } from '../../src/platform/crypto/primitives.ts'
import { newReceipt } from '../../src/platform/intake/receipts.ts'
import type { ModuleDeps } from '../../src/platform/module.ts'
import { pageContext, sendPage } from '../../src/platform/request-context.ts'

/** Adds the baseline route (for buildApp's `extraRoutes`, after the help desk's own). */
export function helpdeskBaseline(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const shared = reportForms(app, deps)
  app.addHook('onReady', async () => {
    await sql`CREATE TABLE IF NOT EXISTS bench_plain_reports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      desk_id uuid NOT NULL,
      receipt_lookup bytea NOT NULL UNIQUE,
      form text NOT NULL,
      category text NOT NULL,
      urgency text NOT NULL,
      region_id int,
      received_at timestamptz NOT NULL,
      content jsonb NOT NULL,
      form_token bytea UNIQUE
    )`.execute(db)
  })
  app.register(async (scope) => {
    await shared.readBodies(scope)
    scope.post('/help/bench-plain/legal', { config: shared.submitting }, async (request, reply) => {
      const checked = await shared.check(request, 'legal')
      if ('errors' in checked) return shared.refuse(request, reply, 'legal', checked.errors)
      const deskId = await deskFor(db, checked.regionId)
      if (!deskId) throw new Error('no help desk to take the baseline reports')
      const receipt = newReceipt()
      const receivedAt = coarseFloor()
      await sql`INSERT INTO bench_plain_reports
          (desk_id, receipt_lookup, form, category, urgency, region_id, received_at, content, form_token)
        VALUES (${deskId}, ${keyedHash(receipt, 'bench')}, ${checked.content.form}, ${categoryOf(checked.content)},
          ${urgencyOf(checked.content, receivedAt.toISOString().slice(0, 10))}, ${checked.regionId}, ${receivedAt},
          ${JSON.stringify(checked.content)}::jsonb, ${keyedHash(checked.token, 'bench token')})`.execute(db)
      return sendPage(
        reply.header('cache-control', 'no-store'),
        receiptPage(pageContext(request), receipt, false),
        201,
      )
    })
  })
}
