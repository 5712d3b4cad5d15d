/**
 * The public side of the help desk: /help, its two forms, /help/report where a receipt brings the
 * writer back, and the public counts. Every writer's page is `no-store`: a shared or seized phone's
 * browser cache keeps none of it, and receipts travel only in form bodies, never in URLs (which end up
 * in histories and logs).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { newFormToken } from '../../../platform/intake/form-tokens.ts'
import { newChallenge } from '../../../platform/intake/proof-of-work.ts'
import { type ReceiptOpening, receiptOpener } from '../../../platform/intake/receipt-opener.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { regionCodes, regionNames, regionOptions } from '../../../platform/regions/regions.ts'
import { pageContext, sendPage } from '../../../platform/request-context.ts'
import { parseForm } from '../../../platform/validation.ts'
import { addMessage } from '../commands/add-message.ts'
import { helpdeskProofSecrets } from '../commands/spend-proof.ts'
import { submitReport } from '../commands/submit-report.ts'
import { withdrawConsent } from '../commands/withdraw-consent.ts'
import { withdrawConsentPage } from '../pages/consent.ts'
import { countsPage } from '../pages/counts.ts'
import {
  alreadySentPage,
  followUpPage,
  noDeskPage,
  receiptEntryPage,
  receiptPage,
  startPage,
} from '../pages/public.ts'
import { countsJson } from '../present.ts'
import { publicCounts } from '../queries/counts.ts'
import { deskBlocks } from '../queries/guides.ts'
import { canReceive } from '../queries/routing.ts'
import { reportForWriter, type WriterView } from '../queries/writer-view.ts'
import { forms, withdrawConsentSchema, writerReplySchema } from '../schema.ts'
import { askedToPublish } from '../triage.ts'
import { reportForms } from './report-form.ts'

const base = '/help'

/** Registers the public help-desk pages. */
export function registerHelpdeskPublicRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const shared = reportForms(app, deps)
  const { open, submitting, following } = shared
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store')
  // Misses count against the address and are audited, so guessing is slow and seen.
  const receipts = receiptOpener(db, {
    missesAction: 'helpdesk.receipt_misses',
    find: (symbols) => reportForWriter(db, symbols),
  })
  app.addHook('onClose', () => receipts.flush())

  // While no desk can receive a report, the start page says so and the forms are not offered; the
  // operator's blocks (where else to turn, when to expect an answer) stand in for them.
  app.get(base, { config: open }, async (request, reply) => {
    const receiving = await canReceive(db)
    const blocks = receiving ? undefined : await deskBlocks(db)
    return sendPage(noStore(reply), startPage(pageContext(request), { open: receiving, blocks }))
  })
  const closed = async (request: FastifyRequest, reply: FastifyReply, when: 'before' | 'sent') =>
    sendPage(noStore(reply), noDeskPage(pageContext(request), when, await deskBlocks(db)), 503)

  // A proof-of-work challenge for the forms' widget; made fresh each time, so never cached.
  app.get(`${base}/proof`, { config: open }, async (_request, reply) =>
    noStore(reply).send(await newChallenge(helpdeskProofSecrets(db))),
  )

  for (const form of forms) {
    app.get(`${base}/${form}`, { config: open }, async (request, reply) => {
      if (!(await canReceive(db))) return closed(request, reply, 'before')
      return sendPage(noStore(reply), await shared.render(request, form, {}))
    })
  }

  app.register(async (scope) => {
    await shared.readBodies(scope)
    for (const form of forms) {
      scope.post(`${base}/${form}`, { config: submitting }, async (request, reply) => {
        // Sent all the same (from a page kept open since): nothing is stored, and no form comes back.
        if (!(await canReceive(db))) return closed(request, reply, 'sent')
        const checked = await shared.check(request, form)
        if ('errors' in checked) return shared.refuse(request, reply, form, checked.errors)
        const result = await submitReport(db, checked)
        if (result.outcome === 'no-desk') return closed(request, reply, 'sent')
        // The form was sent before, longer ago or saying something else: its receipt is not shown again.
        if (result.outcome === 'already-sent')
          return sendPage(noStore(reply), alreadySentPage(pageContext(request)), 409)
        const blocks = await deskBlocks(db)
        const page = receiptPage(pageContext(request), result.receipt, result.outcome === 'repeated', blocks)
        return sendPage(noStore(reply), page, result.outcome === 'received' ? 201 : 200)
      })
    }
  })

  app.get(`${base}/report`, { config: open }, async (request, reply) =>
    sendPage(noStore(reply), receiptEntryPage(pageContext(request), {})),
  )

  // The report a typed receipt opens; else null, the entry page sent again with why not.
  const opened = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const opening: ReceiptOpening<WriterView> = await receipts.open(request.ip ?? '', body.receipt)
    if (opening.ok) return opening
    const errors = { receipt: `helpdesk.followUp.bad.${opening.reason}` }
    await sendPage(reply, receiptEntryPage(pageContext(request), errors, opening.typed), opening.status)
    return null
  }

  // The writer's page, with the region they chose by its name in the page's language.
  const writerPage = async (
    request: FastifyRequest,
    view: Omit<Parameters<typeof followUpPage>[1], 'regions'>,
  ) => {
    const options = await regionOptions(db, request.locale, 'code')
    const regions = new Map(options.map((option) => [option.value, option.label]))
    return followUpPage(pageContext(request), { ...view, regions })
  }

  app.post(`${base}/report`, { config: following }, async (request, reply) => {
    const opening = await opened(request, noStore(reply))
    if (!opening) return reply
    const { item: report, receipt } = opening
    return sendPage(reply, await writerPage(request, { report, receipt, token: newFormToken(), errors: {} }))
  })

  app.post(`${base}/report/reply`, { config: following }, async (request, reply) => {
    const opening = await opened(request, noStore(reply))
    if (!opening) return reply
    const { item, receipt, symbols } = opening
    const body = (request.body ?? {}) as Record<string, unknown>
    const parsed = parseForm(writerReplySchema, body)
    if (!parsed.ok) {
      const message = typeof body.message === 'string' ? body.message : ''
      const view = { report: item, receipt, token: newFormToken(), errors: parsed.errors, message }
      return sendPage(reply, await writerPage(request, view), 400)
    }
    const added = await addMessage(db, {
      reportId: item.id,
      author: 'writer',
      authorId: null,
      text: parsed.data.message,
      token: parsed.data.token,
    })
    const report = (await reportForWriter(db, symbols)) ?? item
    const notice = request.t(added === 'added' ? 'helpdesk.followUp.sent' : 'helpdesk.followUp.alreadySent')
    const page = await writerPage(request, {
      report,
      receipt,
      token: newFormToken(),
      errors: {},
      notice,
    })
    return sendPage(reply, page)
  })

  // Withdrawing consent: without `confirm`, the step that says what it does; with it, done (once).
  app.post(`${base}/report/withdraw`, { config: following }, async (request, reply) => {
    const opening = await opened(request, noStore(reply))
    if (!opening) return reply
    const { item, receipt, symbols } = opening
    const body = (request.body ?? {}) as Record<string, unknown>
    const writerNotice = async (report: WriterView, key: string) =>
      sendPage(
        reply,
        await writerPage(request, {
          report,
          receipt,
          token: newFormToken(),
          errors: {},
          notice: request.t(key),
        }),
      )
    // Nothing to confirm when there is nothing to withdraw (the command checks again, under lock).
    if (item.consentWithdrawn) return writerNotice(item, 'helpdesk.consent.already')
    if (!askedToPublish(item.content)) return writerNotice(item, 'helpdesk.consent.nothing')
    const confirming = (errors: Record<string, string>, status: number) =>
      sendPage(
        reply,
        withdrawConsentPage(pageContext(request), { receipt, token: newFormToken(), errors }),
        status,
      )
    if (body.confirm === undefined) return confirming({}, 200)
    const parsed = parseForm(withdrawConsentSchema, body)
    if (!parsed.ok) return confirming(parsed.errors, 400)
    const done = await withdrawConsent(db, {
      reportId: item.id,
      askedToPublish: askedToPublish(item.content),
      text: request.t('helpdesk.consent.message'),
      token: parsed.data.token,
    })
    if (done === 'spent') return confirming({ token: 'helpdesk.form.expired' }, 400)
    const report = (await reportForWriter(db, symbols)) ?? item
    return writerNotice(report, `helpdesk.consent.${done === 'withdrawn' ? 'done' : done}`)
  })

  const published = { policy: 'public' as const }
  app.get(`${base}/counts`, { config: published }, async (request, reply) => {
    const [counts, names] = await Promise.all([publicCounts(db), regionNames(db, request.locale)])
    const byRegion = counts.byRegion
      .map((row) => ({ ...row, name: names.get(row.regionId) ?? request.t('helpdesk.counts.noRegion') }))
      .sort((a, b) => a.name.localeCompare(b.name, request.locale))
    // Shared caches may keep it for everyone; the platform makes it private for a signed-in member.
    reply.header('cache-control', 'public, max-age=300')
    return sendPage(reply, countsPage(pageContext(request), { ...counts, byRegion }))
  })

  app.get('/api/v1/helpdesk/counts', { config: published }, async (_request, reply) => {
    const [counts, codes] = await Promise.all([publicCounts(db), regionCodes(db)])
    reply.header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*')
    return countsJson(counts, codes)
  })
}
