/**
 * The desk's routes under /staff/helpdesk: the queue, a report (decrypted for the member reading it,
 * with the member's own key from their session), replies, notes, status and assignment, the surge
 * view and the retention list.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { notFound } from '../../../platform/errors.ts'
import { sentText } from '../../../platform/html/forms.ts'
import type { Locale } from '../../../platform/i18n.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { regionNames as approvedRegionNames } from '../../../platform/regions/regions.ts'
import { actor, pageContext, sendPage } from '../../../platform/request-context.ts'
import { type FieldErrors, parseForm, parseParams } from '../../../platform/validation.ts'
import { approvedTerms } from '../../chronicle/index.ts'
import { addMessage } from '../commands/add-message.ts'
import { assignReport } from '../commands/assign-report.ts'
import { changeStatus } from '../commands/change-status.ts'
import { convertReport } from '../commands/convert-report.ts'
import { joinReports } from '../commands/join-reports.ts'
import { keepLonger } from '../commands/keep-longer.ts'
import { convertPage } from '../pages/convert.ts'
import { retentionPage } from '../pages/counts.ts'
import { deskBase, queuePage, type ReportView, reportPage } from '../pages/desk.ts'
import { surgePage } from '../pages/surge.ts'
import { ASSIGN_HELPDESK, WORK_HELPDESK } from '../policy.ts'
import { eventDraft, type ReportExtra, reportView } from '../present.ts'
import { deskWorkers, helpdesksOf } from '../queries/desks.ts'
import { openCounts, queueFilterSchema, readQueue } from '../queries/queue.ts'
import {
  assigneeName,
  groupedReports,
  openReport,
  type ReportMeta,
  reportOfMember,
  reportPhoto,
} from '../queries/reports.ts'
import { dueForDeletion, NOTICE_DAYS } from '../queries/retention.ts'
import { openLoad } from '../queries/suggest.ts'
import { SURGE_HOURS, surgeGroups } from '../queries/surge.ts'
import { listTemplates } from '../queries/templates.ts'
import {
  assignSchema,
  fileParams,
  keepSchema,
  keptQuery,
  messageSchema,
  reportDoneQuery,
  reportParams,
  statusSchema,
  surgeQuery,
  templateQuery,
} from '../schema.ts'
import { consentOf } from '../triage.ts'
import { keyHolder } from './key-holder.ts'

/** Registers the desk's pages. */
export function registerHelpdeskDeskRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const workers = { policy: { permission: WORK_HELPDESK } }
  const assigners = { policy: { permission: ASSIGN_HELPDESK } }

  const regionNames = (locale: Locale) => approvedRegionNames(db, locale)

  app.get(deskBase, { config: workers }, async (request, reply) => {
    const filter = queueFilterSchema.parse(request.query ?? {})
    const userId = actor(request).user.id
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
    const { id } = parseParams(reportParams, request.params)
    const report = await reportOfMember(db, id, actor(request).user.id)
    if (!report) throw notFound()
    return report
  }

  const render = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Partial<Pick<ReportView, ReportExtra>> = {},
    status = 200,
  ) => {
    const report = await reportFromPath(request)
    const opened = await openReport(db, report, keyHolder(request))
    const [regions, workerList, load, templates, assignee, grouped] = await Promise.all([
      regionNames(request.locale),
      deskWorkers(db, report.deskId),
      openLoad(db, report.deskId),
      listTemplates(db),
      assigneeName(db, report),
      groupedReports(db, report),
    ])
    const { template } = templateQuery.parse(request.query ?? {})
    const view = reportView(
      { report, opened, regions, assigneeName: assignee, workers: workerList, load, templates, grouped },
      { locale: request.locale, template },
      extra,
    )
    return sendPage(reply.header('cache-control', 'no-store'), reportPage(pageContext(request), view), status)
  }

  app.get(`${deskBase}/reports/:id`, { config: workers }, async (request, reply) => {
    const { done } = reportDoneQuery.parse(request.query ?? {})
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
      authorId: actor(request).user.id,
      text: form.data.text,
    })
    return reply.redirect(
      `${deskBase}/reports/${report.id}?done=${form.data.author === 'desk' ? 'sent' : 'noted'}`,
      303,
    )
  })

  app.post(`${deskBase}/reports/:id/status`, { config: workers }, async (request, reply) => {
    const report = await reportFromPath(request)
    const body = (request.body ?? {}) as Record<string, unknown>
    // Sent back as chosen, with the error beside its field.
    const sentBack = (errors: FieldErrors) =>
      render(
        request,
        reply,
        { statusForm: { status: sentText(body, 'status'), outcome: sentText(body, 'outcome'), errors } },
        400,
      )
    const form = parseForm(statusSchema, body)
    if (!form.ok) return sentBack(form.errors)
    const changed = await changeStatus(db, report, { ...form.data, actorId: actor(request).user.id })
    if (!changed) return sentBack({ outcome: 'helpdesk.desk.outcomeNeeded' })
    return reply.redirect(`${deskBase}/reports/${report.id}?done=status`, 303)
  })

  app.post(`${deskBase}/reports/:id/claim`, { config: workers }, async (request, reply) => {
    const report = await reportFromPath(request)
    const userId = actor(request).user.id
    await assignReport(db, report, { assigneeId: userId, actorId: userId })
    return reply.redirect(`${deskBase}/reports/${report.id}?done=claimed`, 303)
  })

  app.post(`${deskBase}/reports/:id/assign`, { config: assigners }, async (request, reply) => {
    const report = await reportFromPath(request)
    const form = parseForm(assignSchema, request.body)
    if (!form.ok) return render(request, reply, { assignErrors: form.errors }, 400)
    const done = await assignReport(db, report, {
      assigneeId: form.data.assignee || null,
      actorId: actor(request).user.id,
    })
    if (!done) return render(request, reply, { assignErrors: { assignee: 'helpdesk.desk.notMember' } }, 400)
    return reply.redirect(`${deskBase}/reports/${report.id}?done=assigned`, 303)
  })

  const renderConvert = async (
    request: FastifyRequest,
    reply: FastifyReply,
    report: ReportMeta,
    // A form sent back with its errors, or a notice above a fresh draft.
    extra: { values?: Record<string, string>; errors?: Record<string, string>; notice?: string } = {},
    status = 200,
  ) => {
    const opened = await openReport(db, report, keyHolder(request))
    const [types, regions] = await Promise.all([approvedTerms(db, 'event_type'), approvedTerms(db, 'region')])
    const regionCode = regions.find((term) => term.id === report.regionId)?.code ?? null
    const values = extra.values ?? eventDraft(report, opened.content, regionCode, request.locale)
    const page = convertPage(pageContext(request), {
      reportId: report.id,
      values,
      errors: extra.errors ?? {},
      types,
      regions,
      consent: consentOf(opened.content, report.consentWithdrawn),
      consentBy: opened.content?.consentBy ?? null,
      withdrawn: report.consentWithdrawn,
      eventId: report.chronicleEventId,
      notice: extra.notice,
    })
    return sendPage(reply.header('cache-control', 'no-store'), page, status)
  }

  app.get(`${deskBase}/reports/:id/convert`, { config: workers }, async (request, reply) =>
    renderConvert(request, reply, await reportFromPath(request)),
  )

  app.post(`${deskBase}/reports/:id/convert`, { config: workers }, async (request, reply) => {
    const report = await reportFromPath(request)
    if (report.chronicleEventId) return renderConvert(request, reply, report)
    const body = (request.body ?? {}) as Record<string, unknown>
    // What the writer's answers allow is in the sealed content; the command reads the withdrawal itself.
    const { content } = await openReport(db, report, keyHolder(request))
    const result = await convertReport(
      db,
      report,
      body,
      { id: actor(request).user.id, sourceDescription: request.t('helpdesk.convert.source') },
      consentOf(content, false),
    )
    // Withdrawn since the draft was made, or converted meanwhile: the page again, as it now stands.
    if (result.kind === 'withdrawn' || result.kind === 'already') {
      const now = (await reportOfMember(db, report.id, actor(request).user.id)) ?? report
      const notice =
        result.kind === 'withdrawn' ? request.t('helpdesk.convert.withdrawnMeanwhile') : undefined
      return renderConvert(request, reply, now, { notice }, 409)
    }
    if (result.kind === 'invalid') {
      const values = Object.fromEntries(
        Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      )
      return renderConvert(request, reply, report, { values, errors: result.errors }, 400)
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
    const joined = await joinReports(db, actor(request).user.id, ids.slice(0, 1000))
    return reply.redirect(`${deskBase}/surge?done=${joined ? 'joined' : 'notJoined'}`, 303)
  })

  app.get(`${deskBase}/retention`, { config: assigners }, async (request, reply) => {
    const { done } = keptQuery.parse(request.query ?? {})
    const [due, regions] = await Promise.all([
      dueForDeletion(db, actor(request).user.id),
      regionNames(request.locale),
    ])
    const notice = done ? request.t('helpdesk.retention.kept') : undefined
    return sendPage(reply, retentionPage(pageContext(request), { due, regions, days: NOTICE_DAYS, notice }))
  })

  // Keeping a closed report longer than its desk's retention (a case still in court).
  app.post(`${deskBase}/retention/:id/keep`, { config: assigners }, async (request, reply) => {
    const report = await reportFromPath(request)
    const form = keepSchema.safeParse(request.body ?? {})
    if (!form.success || !(await keepLonger(db, report.id, form.data.days, actor(request).user.id)))
      return reply.redirect(`${deskBase}/retention`, 303)
    return reply.redirect(`${deskBase}/retention?done=kept`, 303)
  })

  // A photo, decrypted for the member (the read is audited) and sent as a download, never inline.
  app.get(`${deskBase}/reports/:id/files/:fileId`, { config: workers }, async (request, reply) => {
    const report = await reportFromPath(request)
    const { fileId } = parseParams(fileParams, request.params)
    const found = await reportPhoto(db, report, fileId, keyHolder(request))
    if (!found) throw notFound()
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="report-photo-${found.number}.jpg"`)
      .type('image/jpeg')
      .send(found.photo)
  })
}
