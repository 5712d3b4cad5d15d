/**
 * The desk's routes under /staff/helpdesk: the queue, a report (decrypted for the member reading it,
 * with the member's own key from their session), replies, notes, status and assignment.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { keyPairFromPrivate } from '../../platform/crypto/primitives.ts'
import type { KeyHolder } from '../../platform/crypto/sealed-records.ts'
import { notFound } from '../../platform/errors.ts'
import type { Locale } from '../../platform/i18n.ts'
import type { ModuleDeps } from '../../platform/module.ts'
import { pageContext, sendPage } from '../../platform/request-context.ts'
import { parseForm, text } from '../../platform/validation.ts'
import { approvedTerms } from '../chronicle/index.ts'
import { listTerms, termLabel } from '../chronicle/vocabularies.ts'
import { convertReport, eventDraft } from './convert.ts'
import {
  assignReport,
  changeStatus,
  deskWorkers,
  lockOfReport,
  openFor,
  openReport,
  type ReportMeta,
  reportOfMember,
} from './desk.ts'
import { helpdesksOf } from './desks.ts'
import { addMessage } from './intake.ts'
import { convertPage } from './pages/convert.ts'
import { retentionPage } from './pages/counts.ts'
import { deskBase, queuePage, type ReportView, reportPage } from './pages/desk.ts'
import { surgePage } from './pages/surge.ts'
import { ASSIGN_HELPDESK, WORK_HELPDESK } from './policy.ts'
import { openCounts, queueFilterSchema, queuePage as readQueue } from './queue.ts'
import { dueForDeletion, KEEP_DAYS, keepLonger, NOTICE_DAYS } from './retention.ts'
import { openLoad, rankWorkers } from './suggest.ts'
import { joinReports, SURGE_HOURS, surgeGroups } from './surge.ts'
import { inLanguage, listTemplates } from './templates.ts'

const messageSchema = z.object({
  text: text(10_000, { min: 1, multiline: true }),
  author: z.enum(['desk', 'note'], 'validation.invalid'),
})
const statusSchema = z.object({
  status: z.enum(['new', 'in_progress', 'waiting', 'closed'], 'validation.invalid'),
  outcome: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.enum(['helped', 'not_helped', 'duplicate', 'no_contact'], 'validation.invalid').optional(),
  ),
})
const assignSchema = z.object({ assignee: z.union([z.literal(''), z.uuid('validation.invalid')]) })
const surgeQuery = z.object({ done: z.enum(['joined', 'notJoined']).optional() }).catch({})
const templateQuery = z.object({ template: z.string().max(40).optional() }).catch({})
const doneQuery = z
  .object({ done: z.enum(['sent', 'noted', 'status', 'assigned', 'claimed', 'converted']).optional() })
  .catch({})

/** The member's key pair, from the secrets their session carries. */
export function keyHolder(request: FastifyRequest): KeyHolder {
  const session = request.session!
  return {
    userId: session.user.id,
    keyPair: keyPairFromPrivate(Buffer.from(session.secrets.privateKey, 'base64')),
  }
}

const keptQuery = z.object({ done: z.enum(['kept']).optional() }).catch({})
const keepSchema = z.object({
  days: z.coerce.number().refine((days) => (KEEP_DAYS as readonly number[]).includes(days)),
})

/** Registers the desk's pages. */
export function registerHelpdeskDeskRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const workers = { policy: { permission: WORK_HELPDESK } }
  const assigners = { policy: { permission: ASSIGN_HELPDESK } }

  const regionNames = async (locale: Locale) =>
    new Map((await listTerms(db, 'region', locale)).map((term) => [term.id, termLabel(term, locale)]))

  app.get(deskBase, { config: workers }, async (request, reply) => {
    const filter = queueFilterSchema.parse(request.query ?? {})
    const userId = request.session!.user.id
    const [page, counts, regions] = await Promise.all([
      readQueue(db, userId, filter),
      openCounts(db, userId),
      regionNames(request.locale),
    ])
    const regionOptions = [...regions].map(([id, label]) => ({ value: String(id), label }))
    return sendPage(
      reply.header('cache-control', 'no-store'),
      queuePage(pageContext(request), { filter, ...page, counts, regions, regionOptions }),
    )
  })

  // The report in the path, if the member's desk has it: anyone else gets the same 404 as for no report.
  const reportFromPath = async (request: FastifyRequest) => {
    const { id } = request.params as { id: string }
    const report = await reportOfMember(db, id, request.session!.user.id)
    if (!report) throw notFound()
    return report
  }

  const render = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Partial<Pick<ReportView, 'reply' | 'errors' | 'notice'>> = {},
    status = 200,
  ) => {
    const report = await reportFromPath(request)
    const opened = await openReport(db, report, keyHolder(request))
    const [regions, workerList, load, templates, assignee, grouped] = await Promise.all([
      regionNames(request.locale),
      deskWorkers(db, report.deskId),
      openLoad(db, report.deskId),
      listTemplates(db),
      report.assigneeId
        ? db.selectFrom('users').select('display_name').where('id', '=', report.assigneeId).executeTakeFirst()
        : undefined,
      report.groupId
        ? db
            .selectFrom('helpdesk_reports')
            .select(['id', 'received_at', 'status'])
            .where('group_id', '=', report.groupId)
            .where('desk_id', '=', report.deskId)
            .where('id', '<>', report.id)
            .orderBy('received_at')
            .execute()
        : [],
    ])
    // A template is filled in in the writer's language, else the member's.
    const { template } = templateQuery.parse(request.query ?? {})
    const chosen = templates.find((row) => row.code === template)
    const writerLocale = (opened.content?.locale ?? request.locale) as Locale
    // A template in neither language still gives its text in one it has: better than an empty box.
    const templateText = chosen ? inLanguage(chosen.bodies, [writerLocale, request.locale]) : ''
    const view: ReportView = {
      report,
      opened,
      regionName: report.regionId ? (regions.get(report.regionId) ?? null) : null,
      assigneeName: assignee?.display_name ?? null,
      workers: rankWorkers(workerList, report, load),
      templates: templates.map((row) => ({
        value: row.code,
        label: inLanguage(row.titles, [request.locale]) || row.code,
      })),
      reply: extra.reply ?? { text: templateText, author: 'desk' },
      errors: extra.errors ?? {},
      notice: extra.notice,
      grouped: grouped.map((row) => ({ id: row.id, receivedAt: row.received_at, status: row.status })),
    }
    return sendPage(reply.header('cache-control', 'no-store'), reportPage(pageContext(request), view), status)
  }

  app.get(`${deskBase}/reports/:id`, { config: workers }, async (request, reply) => {
    const { done } = doneQuery.parse(request.query ?? {})
    return render(request, reply, { notice: done ? request.t(`helpdesk.desk.done.${done}`) : undefined })
  })

  app.post(`${deskBase}/reports/:id/messages`, { config: workers }, async (request, reply) => {
    const report = await reportFromPath(request)
    const body = (request.body ?? {}) as Record<string, unknown>
    const form = parseForm(messageSchema, body)
    if (!form.ok) {
      const author = body.author === 'note' ? 'note' : 'desk'
      const typed = typeof body.text === 'string' ? body.text : ''
      return render(request, reply, { reply: { text: typed, author }, errors: form.errors }, 400)
    }
    await addMessage(db, {
      reportId: report.id,
      author: form.data.author,
      authorId: request.session!.user.id,
      text: form.data.text,
    })
    return reply.redirect(
      `${deskBase}/reports/${report.id}?done=${form.data.author === 'desk' ? 'sent' : 'noted'}`,
      303,
    )
  })

  app.post(`${deskBase}/reports/:id/status`, { config: workers }, async (request, reply) => {
    const report = await reportFromPath(request)
    const form = parseForm(statusSchema, request.body)
    if (!form.ok) return render(request, reply, { errors: form.errors }, 400)
    const changed = await changeStatus(db, report, { ...form.data, actorId: request.session!.user.id })
    if (!changed) return render(request, reply, { errors: { outcome: 'helpdesk.desk.outcomeNeeded' } }, 400)
    return reply.redirect(`${deskBase}/reports/${report.id}?done=status`, 303)
  })

  app.post(`${deskBase}/reports/:id/claim`, { config: workers }, async (request, reply) => {
    const report = await reportFromPath(request)
    const userId = request.session!.user.id
    await assignReport(db, report, { assigneeId: userId, actorId: userId })
    return reply.redirect(`${deskBase}/reports/${report.id}?done=claimed`, 303)
  })

  app.post(`${deskBase}/reports/:id/assign`, { config: assigners }, async (request, reply) => {
    const report = await reportFromPath(request)
    const form = parseForm(assignSchema, request.body)
    if (!form.ok) return render(request, reply, { errors: form.errors }, 400)
    const done = await assignReport(db, report, {
      assigneeId: form.data.assignee || null,
      actorId: request.session!.user.id,
    })
    if (!done) return render(request, reply, { errors: { assignee: 'helpdesk.desk.notMember' } }, 400)
    return reply.redirect(`${deskBase}/reports/${report.id}?done=assigned`, 303)
  })

  const renderConvert = async (
    request: FastifyRequest,
    reply: FastifyReply,
    report: ReportMeta,
    form?: { values: Record<string, string>; errors: Record<string, string> },
  ) => {
    const opened = await openReport(db, report, keyHolder(request))
    const [types, regions] = await Promise.all([approvedTerms(db, 'event_type'), approvedTerms(db, 'region')])
    const regionCode = regions.find((term) => term.id === report.regionId)?.code ?? null
    const values = form?.values ?? eventDraft(report, opened.content, regionCode, request.locale, request.t)
    const page = convertPage(pageContext(request), {
      reportId: report.id,
      values,
      errors: form?.errors ?? {},
      types,
      regions,
      consent: { facts: !!opened.content?.publishFacts, names: !!opened.content?.publishNames },
      eventId: report.chronicleEventId,
    })
    return sendPage(reply.header('cache-control', 'no-store'), page, form ? 400 : 200)
  }

  app.get(`${deskBase}/reports/:id/convert`, { config: workers }, async (request, reply) =>
    renderConvert(request, reply, await reportFromPath(request)),
  )

  app.post(`${deskBase}/reports/:id/convert`, { config: workers }, async (request, reply) => {
    const report = await reportFromPath(request)
    if (report.chronicleEventId) return renderConvert(request, reply, report)
    const body = (request.body ?? {}) as Record<string, unknown>
    const result = await convertReport(db, report, body, {
      id: request.session!.user.id,
      sourceDescription: request.t('helpdesk.convert.source'),
    })
    if (result.kind === 'invalid') {
      const values = Object.fromEntries(
        Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      )
      return renderConvert(request, reply, report, { values, errors: result.errors })
    }
    return reply.redirect(`${deskBase}/reports/${report.id}?done=converted`, 303)
  })

  app.get(`${deskBase}/surge`, { config: workers }, async (request, reply) => {
    const { done } = surgeQuery.parse(request.query ?? {})
    const reader = keyHolder(request)
    const groups = await surgeGroups(db, reader)
    const desks = new Set(await helpdesksOf(db, reader.userId))
    const workerLists = await Promise.all([...desks].map((deskId) => deskWorkers(db, deskId)))
    const workerOptions = [
      ...new Map(
        workerLists.flat().map((worker) => [worker.id, { value: worker.id, label: worker.name }]),
      ).values(),
    ]
    const notice = done ? request.t(`helpdesk.surge.${done}`) : undefined
    const page = surgePage(pageContext(request), {
      hours: SURGE_HOURS,
      groups,
      workers: workerOptions,
      notice,
    })
    return sendPage(reply.header('cache-control', 'no-store'), page)
  })

  app.post(`${deskBase}/surge/join`, { config: workers }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const ids = (Array.isArray(body.report) ? body.report : [body.report]).filter(
      (id): id is string => typeof id === 'string',
    )
    const joined = await joinReports(db, request.session!.user.id, ids.slice(0, 1000))
    return reply.redirect(`${deskBase}/surge?done=${joined ? 'joined' : 'notJoined'}`, 303)
  })

  app.get(`${deskBase}/retention`, { config: assigners }, async (request, reply) => {
    const { done } = keptQuery.parse(request.query ?? {})
    const [due, regions] = await Promise.all([
      dueForDeletion(db, request.session!.user.id),
      regionNames(request.locale),
    ])
    const notice = done ? request.t('helpdesk.retention.kept') : undefined
    return sendPage(reply, retentionPage(pageContext(request), { due, regions, days: NOTICE_DAYS, notice }))
  })

  // Keeping a closed report longer than its desk's retention (a case still in court).
  app.post(`${deskBase}/retention/:id/keep`, { config: assigners }, async (request, reply) => {
    const report = await reportFromPath(request)
    const form = keepSchema.safeParse(request.body ?? {})
    if (!form.success || !(await keepLonger(db, report.id, form.data.days, request.session!.user.id)))
      return reply.redirect(`${deskBase}/retention`, 303)
    return reply.redirect(`${deskBase}/retention?done=kept`, 303)
  })

  // A photo, decrypted for the member (the read is audited) and sent as a download, never inline.
  app.get(`${deskBase}/reports/:id/files/:fileId`, { config: workers }, async (request, reply) => {
    const report = await reportFromPath(request)
    const { fileId } = request.params as { fileId: string }
    const files = await db
      .selectFrom('helpdesk_files')
      .select(['id', 'record_id'])
      .where('report_id', '=', report.id)
      .orderBy('id')
      .execute()
    const index = files.findIndex((file) => file.id === fileId)
    if (index < 0) throw notFound()
    const file = files[index]!
    const photo = await openFor(
      db,
      file.record_id,
      keyHolder(request),
      `helpdesk.file:${report.id}`,
      await lockOfReport(db, report),
      `photo ${file.id}`,
    )
    if (!photo) throw notFound()
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="report-photo-${index + 1}.jpg"`)
      .type('image/jpeg')
      .send(photo)
  })
}
