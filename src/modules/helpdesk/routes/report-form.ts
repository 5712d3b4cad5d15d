/**
 * What the two report forms' routes share: reading their multipart bodies (with photos, part by part,
 * before the platform's CSRF check: platform/intake/multipart-form.ts), the per-address limit a post
 * passes (or a proof of work lets it past), checking a report before it is stored, and sending a form
 * back with what is wrong. Made once per app: the benchmark's baseline (bench/support/) uses the same.
 */
import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { badCsrf } from '../../../platform/errors.ts'
import { addressLimit, sentProof } from '../../../platform/intake/address-limit.ts'
import { keptFormToken, newFormToken } from '../../../platform/intake/form-tokens.ts'
import { FORM_LIMITS, type FormBody, readFormBody } from '../../../platform/intake/multipart-form.ts'
import { cleanPhotos, PhotoError, photoAdmission } from '../../../platform/intake/photos.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { regionIdByCode, regionOptions } from '../../../platform/regions/regions.ts'
import { pageContext, sendPage } from '../../../platform/request-context.ts'
import { parseForm } from '../../../platform/validation.ts'
import { spendProof } from '../commands/spend-proof.ts'
import type { submitReport } from '../commands/submit-report.ts'
import { errors as helpdeskErrors } from '../errors.ts'
import { detainedPage, type FormView, legalPage } from '../pages/report-forms.ts'
import { canReceive, receivingRegions } from '../queries/routing.ts'
import { detainedSchema, legalSchema } from '../schema.ts'
import type { ReportForm } from '../tables.ts'
import type { ReportContent } from '../triage.ts'

// The form's message when too many reports with photos arrive at once, and when to send again.
const BUSY = 'helpdesk.form.busy'
const RETRY_AFTER_SECONDS = 60

const formPages = {
  detained: { page: detainedPage, schema: detainedSchema },
  legal: { page: legalPage, schema: legalSchema },
} as const
// Each form's field names: a multipart body keeps only these.
const fieldNames = {
  detained: new Set(['_csrf', ...Object.keys(detainedSchema.shape)]),
  legal: new Set(['_csrf', ...Object.keys(legalSchema.shape)]),
}

/** A report checked and ready to store, or the errors to send the form back with. */
export type CheckedReport = { errors: Record<string, string> } | Parameters<typeof submitReport>[1]

/** What the report forms' routes share (see above). */
export type ReportForms = {
  /** Every page a writer uses: no log line carries its exact time (platform/request-log.ts). */
  open: { policy: 'public'; confidential: true }
  /** A post's route config: the per-address limit, which a solved proof of work passes. */
  submitting: ReturnType<typeof submittingConfig>
  /** Coming back with a receipt: more room, as guessing is held back by counting misses. */
  following: ReturnType<typeof followingConfig>
  /** A form page, empty or with what was sent. */
  render(request: FastifyRequest, form: ReportForm, view: Partial<FormView>): Promise<string>
  /** Sends a form back with what is wrong (503 and when to send again, when the server is busy). */
  refuse(
    request: FastifyRequest,
    reply: FastifyReply,
    form: ReportForm,
    errors: Record<string, string>,
  ): unknown
  /** Everything a report is checked for before it is stored: the form, the honeypot, the region, photos. */
  check(request: FastifyRequest, form: ReportForm): Promise<CheckedReport>
  /** Makes `scope` read the forms' multipart bodies (register the post routes in it). */
  readBodies(scope: FastifyInstance): Promise<void>
}

const open = { policy: 'public' as const, confidential: true as const }
// Per address, where there is one (see platform/intake/receipt-misses.ts for guessed receipts).
const perAddress = {
  max: 10,
  timeWindow: '10 minutes',
  refused: () => helpdeskErrors.ERR_HELPDESK_RATE_LIMITED(),
}
function submittingConfig(deps: ModuleDeps) {
  const passes = (request: FastifyRequest) => spendProof(deps.store.db, sentProof(request))
  return { ...open, rateLimit: addressLimit({ ...perAddress, passes }) }
}
function followingConfig() {
  return { ...open, rateLimit: addressLimit({ ...perAddress, max: 60 }) }
}

const made = new WeakMap<FastifyInstance, ReportForms>()

/** The report forms' shared parts for `app` (made on first use). */
export function reportForms(app: FastifyInstance, deps: ModuleDeps): ReportForms {
  const known = made.get(app)
  if (known) return known
  const { db } = deps.store
  const regionId = (code: string) => regionIdByCode(db, code)
  // The regions the forms offer: all while a staffed desk takes the rest, else only those received.
  const regions = async (request: FastifyRequest) => {
    const [options, receiving] = await Promise.all([
      regionOptions(db, request.locale, 'code'),
      receivingRegions(db),
    ])
    if (receiving === 'all') return { regions: options, anyRegion: true }
    const received = new Set<string>()
    for (const option of options) {
      const id = await regionId(option.value)
      if (id !== undefined && id !== null && receiving.has(id)) received.add(option.value)
    }
    return { regions: options.filter((option) => received.has(option.value)), anyRegion: false }
  }
  // Photos arrive with the form, held in memory within the server's photo memory, and are cleaned in
  // its decode places before sealing (platform/intake/photos.ts); neither depends on the writer's address.
  const admission = photoAdmission(app, {
    decodes: deps.env.LIFELINE_PHOTO_DECODES,
    memoryMb: deps.env.LIFELINE_UPLOAD_MEMORY_MB,
  })
  const bodies = new WeakMap<FastifyRequest, FormBody>()
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store')

  const render: ReportForms['render'] = async (request, form, view) =>
    formPages[form].page(pageContext(request), {
      values: {},
      errors: {},
      token: newFormToken(),
      ...(await regions(request)),
      ...view,
    })

  // A fresh token, unless the one sent can be kept.
  const refuse: ReportForms['refuse'] = async (request, reply, form, errors) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const busy = errors._form === BUSY
    if (busy) reply.header('retry-after', String(RETRY_AFTER_SECONDS))
    const page = await render(request, form, { values: body, errors, token: keptFormToken(body) })
    return sendPage(noStore(reply), page, busy ? 503 : 400)
  }

  const check: ReportForms['check'] = async (request, form) => {
    const parsed = parseForm(formPages[form].schema, request.body)
    if (!parsed.ok) return { errors: parsed.errors }
    if (parsed.data.website) return { errors: { _form: 'helpdesk.form.honeypotFilled' } }
    const region = await regionId(parsed.data.region)
    if (region === undefined) return { errors: { region: 'helpdesk.form.badRegion' } }
    // From a region no desk receives (or none given, when no desk takes the rest): the form comes
    // back with everything typed in it and says why, rather than a page that loses it.
    if (!(await canReceive(db, region))) return { errors: { region: 'helpdesk.form.regionNotServed' } }
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

  // Only the forms' posts parse multipart bodies: part by part, before the platform's CSRF check. A
  // forged post is refused at its first file; a damaged one gets its form back, whether or not its
  // CSRF token could be read, as it changes nothing.
  const readBodies = async (scope: FastifyInstance) => {
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
  }

  const forms: ReportForms = {
    open,
    submitting: submittingConfig(deps),
    following: followingConfig(),
    render,
    refuse,
    check,
    readBodies,
  }
  made.set(app, forms)
  return forms
}
