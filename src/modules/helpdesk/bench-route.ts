/**
 * The help desk benchmark's baseline (`npm run bench -- helpdesk`), registered only when
 * LIFELINE_BENCH_ROUTES=1: `POST /help/bench-plain/legal` checks a form exactly as /help/legal does
 * and keeps the same rows a report keeps, with what the writer sent stored in clear instead of sealed.
 * The difference between the two is what sealing costs. It keeps plaintext: never enable it where
 * real people write.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import { coarseFloor } from '../../platform/coarse-time.ts'
import { keyedHash } from '../../platform/crypto/primitives.ts'
import type { ModuleDeps } from '../../platform/module.ts'
import { pageContext, sendPage } from '../../platform/request-context.ts'
import { categoryOf, urgencyOf } from './forms.ts'
import { deskFor, type submitReport } from './intake.ts'
import { receiptPage } from './pages/public.ts'
import { newReceipt } from './receipts.ts'
import type { ReportForm } from './tables.ts'

type Checked = { errors: Record<string, string> } | Parameters<typeof submitReport>[1]

/** Registers the baseline route on the scope that parses the forms. */
export function registerPlainBaseline(
  scope: FastifyInstance,
  deps: ModuleDeps,
  shared: {
    checkSubmission: (request: FastifyRequest, form: ReportForm) => Promise<Checked>
    refuse: (
      request: FastifyRequest,
      reply: FastifyReply,
      form: ReportForm,
      errors: Record<string, string>,
    ) => unknown
    submitting: object
  },
) {
  const { db } = deps.store
  scope.addHook('onReady', async () => {
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
  scope.post('/help/bench-plain/legal', { config: shared.submitting }, async (request, reply) => {
    const checked = await shared.checkSubmission(request, 'legal')
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
}
