/**
 * The public side of the help desk: /help, its two forms, and /help/report where a receipt brings the
 * writer back. Every page is `no-store`: a shared or seized phone's browser cache keeps none of it, and
 * receipts travel only in form bodies, never in URLs (which end up in histories and logs).
 */
import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { windowedAudit } from '../../platform/audit.ts'
import { isLoopback } from '../../platform/auth/throttle.ts'
import { AppError, badCsrf } from '../../platform/errors.ts'
import type { ModuleDeps } from '../../platform/module.ts'
import { regionCodes, regionIdByCode, regionNames, regionOptions } from '../../platform/regions/regions.ts'
import { pageContext, sendPage } from '../../platform/request-context.ts'
import { parseForm } from '../../platform/validation.ts'
import { registerPlainBaseline } from './bench-route.ts'
import { publicCounts, REGION_ROUNDING, SMALLEST_SHOWN } from './counts.ts'
import { FORM_LIMITS, type FormBody, readFormBody } from './form-body.ts'
import { detainedSchema, forms, legalSchema, type ReportContent, writerReplySchema } from './forms.ts'
import { addMessage, newFormToken, submitReport } from './intake.ts'
import { countsPage } from './pages/counts.ts'
import {
  alreadySentPage,
  detainedPage,
  type FormView,
  followUpPage,
  legalPage,
  noDeskPage,
  receiptEntryPage,
  receiptPage,
  startPage,
} from './pages/public.ts'
import { cleanPhotos, PhotoError, photoAdmission } from './photos.ts'
import { newChallenge, spendProof } from './proof-of-work.ts'
import { checkReceipt, formatReceipt } from './receipts.ts'
import type { ReportForm } from './tables.ts'
import { receiptMisses } from './throttle.ts'
import { reportForWriter, type WriterView } from './writer-view.ts'

const base = '/help'
// The form's message when too many reports with photos arrive at once, and when to send again.
const BUSY = 'helpdesk.form.busy'
const RETRY_AFTER_SECONDS = 60

/** Registers the public help-desk pages. */
export function registerHelpdeskPublicRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  // Every page a writer uses: no log line carries its exact time (platform/request-log.ts).
  const open = { policy: 'public' as const, confidential: true }
  // Per address, where there is one (see throttle.ts for guessed receipts). A writer who hits it is
  // told to wait; nothing they were given a receipt for is affected.
  // Loopback is left out: behind an onion service every writer arrives from it.
  const perAddress = {
    max: 10,
    timeWindow: '10 minutes',
    allowList: (request: FastifyRequest) => isLoopback(request.ip ?? ''),
    errorResponseBuilder: () => new AppError('ERR_HELPDESK_RATE_LIMITED', 429),
  }
  // A report may also pass with a solved proof of work (proof-of-work.ts), which the widget puts in
  // the form's address (`?altcha=`): the limit is checked before the body is read, so a flood over
  // it is turned away before its photos are. Each proof lets one report through.
  const submitting = {
    ...open,
    rateLimit: {
      ...perAddress,
      allowList: async (request: FastifyRequest) =>
        isLoopback(request.ip ?? '') ||
        (await spendProof(db, (request.query as { altcha?: unknown })?.altcha)),
    },
  }
  // Coming back with a receipt: more room, as guessing is held back by counting misses (throttle.ts).
  const following = { ...open, rateLimit: { ...perAddress, max: 60 } }

  const regions = (request: FastifyRequest) => regionOptions(db, request.locale, 'code')
  const regionId = (code: string) => regionIdByCode(db, code)
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store')
  // Misses are audited as a count per ten minutes (a row each would date each one).
  const receiptMissesAudited = windowedAudit(db, 'helpdesk.receipt_misses')
  app.addHook('onClose', () => receiptMissesAudited.flush())

  app.get(base, { config: open }, async (request, reply) =>
    sendPage(noStore(reply), startPage(pageContext(request))),
  )

  const formPages = {
    detained: { page: detainedPage, schema: detainedSchema },
    legal: { page: legalPage, schema: legalSchema },
  } as const
  // Each form's field names: a multipart body keeps only these (form-body.ts).
  const fieldNames = {
    detained: new Set(['_csrf', ...Object.keys(detainedSchema.shape)]),
    legal: new Set(['_csrf', ...Object.keys(legalSchema.shape)]),
  }
  // Photos arrive with the form, held in memory within the server's photo memory, and are cleaned in its
  // decode places before sealing (photos.ts); neither depends on the writer's address.
  const admission = photoAdmission(app, {
    decodes: deps.env.LIFELINE_PHOTO_DECODES,
    memoryMb: deps.env.LIFELINE_UPLOAD_MEMORY_MB,
  })
  const bodies = new WeakMap<FastifyRequest, FormBody>()
  const render = async (request: FastifyRequest, form: keyof typeof formPages, view: Partial<FormView>) =>
    formPages[form].page(pageContext(request), {
      values: {},
      errors: {},
      token: newFormToken(),
      regions: await regions(request),
      ...view,
    })

  // A proof-of-work challenge for the forms' widget; made fresh each time, so never cached.
  app.get(`${base}/proof`, { config: open }, async (_request, reply) =>
    noStore(reply).send(await newChallenge(db)),
  )

  for (const form of forms) {
    app.get(`${base}/${form}`, { config: open }, async (request, reply) =>
      sendPage(noStore(reply), await render(request, form, {})),
    )
  }

  // A form sent back with what is wrong (and a fresh token, unless the one sent can be kept). When the
  // server is busy nothing is wrong with it: 503, and when to send it again.
  const refuse = async (
    request: FastifyRequest,
    reply: FastifyReply,
    form: ReportForm,
    errors: Record<string, string>,
  ) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const token =
      typeof body.token === 'string' && /^[A-Za-z0-9_-]{22}$/.test(body.token) ? body.token : undefined
    const busy = errors._form === BUSY
    if (busy) reply.header('retry-after', String(RETRY_AFTER_SECONDS))
    return sendPage(
      noStore(reply),
      await render(request, form, { values: body, errors, token }),
      busy ? 503 : 400,
    )
  }

  // Everything a report is checked for before it is stored: the form, the honeypot, the region, photos.
  const checkSubmission = async (
    request: FastifyRequest,
    form: ReportForm,
  ): Promise<{ errors: Record<string, string> } | Parameters<typeof submitReport>[1]> => {
    const parsed = parseForm(formPages[form].schema, request.body)
    if (!parsed.ok) return { errors: parsed.errors }
    if (parsed.data.website) return { errors: { _form: 'helpdesk.form.honeypotFilled' } }
    const region = await regionId(parsed.data.region)
    if (region === undefined) return { errors: { region: 'helpdesk.form.badRegion' } }
    const sent = bodies.get(request)
    if (sent?.photoError) return { errors: { photo: `helpdesk.form.${sent.photoError}` } }
    if (sent?.busy) return { errors: { _form: BUSY } }
    let cleaned: Buffer[]
    try {
      const decoded = await cleanPhotos(admission, sent?.photos ?? [])
      if (decoded.busy) return { errors: { _form: BUSY } }
      cleaned = decoded.value
    } catch (error) {
      if (!(error instanceof PhotoError)) throw error
      return { errors: { photo: `helpdesk.form.photo_${error.reason}` } }
    }
    const { website: _website, token, ...answers } = parsed.data
    const content = { form, locale: request.locale, ...answers, photos: cleaned.length } as ReportContent
    return { content, regionId: region, token, photos: cleaned }
  }

  // The forms post multipart bodies (for the photos), and only these routes parse them: part by part,
  // before the platform's CSRF check (form-body.ts). A forged post is refused at its first file; a
  // damaged one gets its form back, whether or not its CSRF token could be read, as it changes nothing.
  app.register(async (scope) => {
    await scope.register(multipart, { throwFileSizeLimit: false, limits: FORM_LIMITS })
    scope.addHook('preValidation', async (request, reply) => {
      if (!request.isMultipart()) return
      const form: ReportForm = request.routeOptions.url?.endsWith('/detained') ? 'detained' : 'legal'
      const read = await readFormBody(request, fieldNames[form], admission)
      // The photo memory is given back when the answer is sent, or the writer has gone.
      reply.raw.once('close', () => read.release())
      if (reply.raw.destroyed) read.release()
      bodies.set(request, read)
      request.body = read.fields
      if (read.forged) throw badCsrf()
      if (read.damaged) return refuse(request, reply, form, { _form: 'helpdesk.form.damaged' })
    })

    for (const form of forms) {
      scope.post(`${base}/${form}`, { config: submitting }, async (request, reply) => {
        const checked = await checkSubmission(request, form)
        if ('errors' in checked) return refuse(request, reply, form, checked.errors)
        const result = await submitReport(db, checked)
        if (result.outcome === 'no-desk')
          return sendPage(noStore(reply), noDeskPage(pageContext(request)), 503)
        // The form was sent before, longer ago or saying something else: its receipt is not shown again.
        if (result.outcome === 'already-sent')
          return sendPage(noStore(reply), alreadySentPage(pageContext(request)), 409)
        const page = receiptPage(pageContext(request), result.receipt, result.outcome === 'repeated')
        return sendPage(noStore(reply), page, result.outcome === 'received' ? 201 : 200)
      })
    }
    // The benchmark's baseline: the same post stored unsealed (bench-route.ts), never in production.
    if (deps.env.LIFELINE_BENCH_ROUTES)
      registerPlainBaseline(scope, deps, { checkSubmission, refuse, submitting })
  })

  app.get(`${base}/report`, { config: open }, async (request, reply) =>
    sendPage(noStore(reply), receiptEntryPage(pageContext(request), {})),
  )

  // Opens the report a receipt stands for; answers the entry page with an error otherwise. Misses
  // count against the address and are audited, so guessing is slow and seen.
  const openWithReceipt = async (
    request: FastifyRequest,
    typed: unknown,
  ): Promise<{ page: string; status: number } | { report: WriterView; receipt: string; symbols: string }> => {
    const text = typeof typed === 'string' ? typed.slice(0, 100) : ''
    const checked = checkReceipt(text)
    if (!checked.ok) {
      const errors = { receipt: `helpdesk.followUp.bad.${checked.reason}` }
      return { page: receiptEntryPage(pageContext(request), errors, text), status: 400 }
    }
    const misses = receiptMisses(db, request.ip ?? '')
    if (await misses.overLimit()) {
      return {
        page: receiptEntryPage(pageContext(request), { receipt: 'helpdesk.followUp.bad.throttled' }, text),
        status: 429,
      }
    }
    const report = await reportForWriter(db, checked.symbols)
    if (!report) {
      await misses.count()
      receiptMissesAudited.count()
      return {
        page: receiptEntryPage(pageContext(request), { receipt: 'helpdesk.followUp.bad.unknown' }, text),
        status: 404,
      }
    }
    return { report, receipt: formatReceipt(checked.symbols), symbols: checked.symbols }
  }

  app.post(`${base}/report`, { config: following }, async (request, reply) => {
    noStore(reply)
    const body = (request.body ?? {}) as Record<string, unknown>
    const opened = await openWithReceipt(request, body.receipt)
    if ('page' in opened) return sendPage(reply, opened.page, opened.status)
    const page = followUpPage(pageContext(request), { ...opened, token: newFormToken(), errors: {} })
    return sendPage(reply, page)
  })

  app.post(`${base}/report/reply`, { config: following }, async (request, reply) => {
    noStore(reply)
    const body = (request.body ?? {}) as Record<string, unknown>
    const opened = await openWithReceipt(request, body.receipt)
    if ('page' in opened) return sendPage(reply, opened.page, opened.status)
    const parsed = parseForm(writerReplySchema, body)
    if (!parsed.ok) {
      const message = typeof body.message === 'string' ? body.message : ''
      const page = followUpPage(pageContext(request), {
        ...opened,
        token: newFormToken(),
        errors: parsed.errors,
        message,
      })
      return sendPage(reply, page, 400)
    }
    const added = await addMessage(db, {
      reportId: opened.report.id,
      author: 'writer',
      authorId: null,
      text: parsed.data.message,
      token: parsed.data.token,
    })
    const report = (await reportForWriter(db, opened.symbols)) ?? opened.report
    const notice = request.t(added === 'added' ? 'helpdesk.followUp.sent' : 'helpdesk.followUp.alreadySent')
    const page = followUpPage(pageContext(request), {
      ...opened,
      report,
      token: newFormToken(),
      errors: {},
      notice,
    })
    return sendPage(reply, page)
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
    return {
      fewerThan: SMALLEST_SHOWN,
      regionRounding: REGION_ROUNDING,
      days: { from: counts.firstDay, through: counts.lastDay },
      regionsThrough: counts.regionsThrough,
      byDay: counts.byDay,
      byRegion: counts.byRegion.map(({ regionId, ...row }) => ({
        region: codes.get(regionId) ?? null,
        ...row,
      })),
    }
  })
}
