/** The desk's pages: the triage queue and one report with its thread, replies and actions. */
import { html } from 'ghtml'
import { emptyState, pager, type Tone, tag } from '../../../platform/html/components.ts'
import {
  errorSummary,
  type Option,
  radioGroup,
  selectField,
  textareaField,
} from '../../../platform/html/forms.ts'
import { csrfField, layout, noticeLine, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { formatDateTime } from '../../../platform/i18n.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import { ASSIGN_HELPDESK } from '../policy.ts'
import type { QueueFilter, QueueRow } from '../queries/queue.ts'
import type { DeskMessage, OpenedReport, ReportMeta } from '../queries/reports.ts'
import type { Suggestion } from '../queries/suggest.ts'
import { legalCategories, type PersonFlag, personFlags } from '../schema.ts'
import type { Outcome, ReportStatus } from '../tables.ts'
import { answerRows } from './answers.ts'
import { messageTime } from './times.ts'

/** Where the desk's pages live. */
export const deskBase = '/staff/helpdesk'

const statuses: ReportStatus[] = ['new', 'in_progress', 'waiting', 'closed']
const outcomes: Outcome[] = ['helped', 'not_helped', 'duplicate', 'no_contact']

/** "3 h 20 min": how long ago, in the page's language. */
export function age(ctx: PageContext, since: Date, now = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000))
  if (minutes < 60) return ctx.t('helpdesk.desk.ageMinutes', { minutes })
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return ctx.t('helpdesk.desk.ageHours', { hours, minutes: minutes % 60 })
  return ctx.t('helpdesk.desk.ageDays', { days: Math.floor(hours / 24) })
}

function categoryLabel(ctx: PageContext, category: string): string {
  return ctx.t(`helpdesk.categories.${category}`)
}

/** The flags about a detained person as tags ("Under 18"), each after a space; '' for none. */
export function flagTags(ctx: PageContext, flags: readonly PersonFlag[]): string {
  return flags.map((flag) => html` !${tag(ctx.t(`helpdesk.flags.${flag}`), 'danger')}`).join('')
}

/** What the queue page shows. */
export type QueueView = {
  filter: QueueFilter
  rows: QueueRow[]
  next: string | null
  counts: Record<ReportStatus, number>
  regions: Map<number, string>
  regionOptions: Option[]
}

function filterForm(ctx: PageContext, view: QueueView): string {
  const { t } = ctx
  const { filter } = view
  const noErrors: FieldErrors = {}
  return html`<form method="get" action="${deskBase}" class="filter-row">
!${selectField(ctx, noErrors, {
    name: 'status',
    label: t('helpdesk.desk.status'),
    value: filter.status,
    options: [
      { value: 'open', label: t('helpdesk.desk.allOpen') },
      ...statuses.map((status) => ({ value: status, label: t(`helpdesk.desk.statuses.${status}`) })),
    ],
  })}
!${selectField(ctx, noErrors, {
    name: 'urgency',
    label: t('helpdesk.desk.urgency'),
    value: filter.urgency ?? '',
    options: [
      { value: '', label: t('helpdesk.desk.any') },
      ...['urgent', 'high', 'normal'].map((urgency) => ({
        value: urgency,
        label: t(`helpdesk.desk.urgencies.${urgency}`),
      })),
    ],
  })}
!${selectField(ctx, noErrors, {
    name: 'category',
    label: t('helpdesk.desk.category'),
    value: filter.category ?? '',
    options: [
      { value: '', label: t('helpdesk.desk.any') },
      ...['detention', ...legalCategories].map((category) => ({
        value: category,
        label: categoryLabel(ctx, category),
      })),
    ],
  })}
!${selectField(ctx, noErrors, {
    name: 'flag',
    label: t('helpdesk.desk.flag'),
    value: filter.flag ?? '',
    options: [
      { value: '', label: t('helpdesk.desk.any') },
      ...personFlags.map((flag) => ({ value: flag, label: t(`helpdesk.flags.${flag}`) })),
    ],
  })}
!${selectField(ctx, noErrors, {
    name: 'region',
    label: t('helpdesk.desk.region'),
    value: filter.region ? String(filter.region) : '',
    options: [{ value: '', label: t('helpdesk.desk.any') }, ...view.regionOptions],
  })}
!${selectField(ctx, noErrors, {
    name: 'who',
    label: t('helpdesk.desk.who'),
    value: filter.who,
    options: ['anyone', 'me', 'nobody'].map((who) => ({
      value: who,
      label: t(`helpdesk.desk.whoOptions.${who}`),
    })),
  })}
<div class="actions"><button type="submit" class="secondary">${t('helpdesk.desk.filter')}</button></div>
</form>`
}

// What stands out in the queue: the urgent, and what waits for the desk.
const urgencyTone: Record<string, Tone | undefined> = { urgent: 'danger', high: 'warn', normal: undefined }
const statusTone: Record<string, Tone | undefined> = {
  new: 'info',
  in_progress: undefined,
  waiting: 'warn',
  closed: 'ok',
}

/** The triage queue. */
export function queuePage(ctx: PageContext, view: QueueView): string {
  const { t, locale } = ctx
  const now = new Date()
  const rows = view.rows
    .map(
      (row) => html`<tr class="urgency-${row.urgency}">
<td data-label="${t('helpdesk.desk.urgency')}">!${tag(t(`helpdesk.desk.urgencies.${row.urgency}`), urgencyTone[row.urgency])}</td>
<th scope="row" class="grow"><a href="${deskBase}/reports/${row.id}">${categoryLabel(ctx, row.category)}</a>!${flagTags(ctx, row.flags)}!${row.writerWaiting ? html` !${tag(t('helpdesk.desk.writerWrote'), 'info')}` : ''}!${row.groupId ? html` !${tag(t('helpdesk.desk.grouped'))}` : ''}</th>
<td data-label="${t('helpdesk.desk.region')}">${row.regionId ? (view.regions.get(row.regionId) ?? '') : t('helpdesk.desk.noRegion')}</td>
<td data-label="${t('helpdesk.desk.age')}"><time datetime="${row.receivedAt.toISOString()}" title="${formatDateTime(row.receivedAt, locale)}">${age(ctx, row.receivedAt, now)}</time></td>
<td data-label="${t('helpdesk.desk.status')}">!${tag(t(`helpdesk.desk.statuses.${row.status}`), statusTone[row.status])}</td>
<td data-label="${t('helpdesk.desk.assignee')}">${row.assigneeName ?? t('helpdesk.desk.nobody')}</td>
</tr>`,
    )
    .join('')
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(view.filter))
    if (value && key !== 'after') params.set(key, String(value))
  if (view.next) params.set('after', view.next)
  const table = view.rows.length
    ? scrollingTable(
        'queue-caption',
        t('helpdesk.desk.queueCaption'),
        html`<thead><tr><th scope="col">${t('helpdesk.desk.urgency')}</th><th scope="col">${t('helpdesk.desk.category')}</th><th scope="col">${t('helpdesk.desk.region')}</th>
<th scope="col">${t('helpdesk.desk.age')}</th><th scope="col">${t('helpdesk.desk.status')}</th><th scope="col">${t('helpdesk.desk.assignee')}</th></tr></thead><tbody>!${rows}</tbody>`,
        { compact: true, cards: true },
      )
    : emptyState(t('helpdesk.desk.emptyQueue'))
  return layout(ctx, {
    title: t('helpdesk.desk.title'),
    body: html`<h1>${t('helpdesk.desk.title')}</h1>
<p>${t('helpdesk.desk.counts', { new: view.counts.new, inProgress: view.counts.in_progress, waiting: view.counts.waiting })}</p>
<p><a href="${deskBase}/surge">${t('helpdesk.desk.surgeLink')}</a></p>
!${filterForm(ctx, view)}
!${table}
!${pager(t('helpdesk.desk.pages'), view.next ? { next: { href: `${deskBase}?${params.toString()}`, label: t('helpdesk.desk.nextPage') } } : {})}`,
  })
}

/** The status form as sent back: the status and outcome chosen, and what is wrong with them. */
export type StatusForm = { status: string; outcome: string; errors: FieldErrors }

/** What the report page shows. */
export type ReportView = {
  report: ReportMeta
  opened: OpenedReport
  regionName: string | null
  assigneeName: string | null
  workers: Suggestion[]
  templates: Option[]
  reply: { text: string; author: 'desk' | 'note' }
  /** The reply form's errors. */
  errors: FieldErrors
  /** The status form as sent, with what is wrong with it; absent: the report's own status. */
  statusForm?: StatusForm
  /** The assignment form's errors. */
  assignErrors?: FieldErrors
  notice?: string
  grouped: { id: string; receivedAt: Date; status: ReportStatus }[]
}

// "Anna — Moscow; criminal cases; 2 open (suggested)": why a worker fits, beside their name.
function workerLabel(ctx: PageContext, worker: Suggestion, view: ReportView, first: boolean): string {
  const { t } = ctx
  const region =
    worker.region === 'named'
      ? view.regionName
      : worker.region === 'all'
        ? t('helpdesk.desk.allRegions')
        : null
  const fits = [region, worker.specialties.join(', '), t('helpdesk.desk.openReports', { count: worker.open })]
    .filter(Boolean)
    .join('; ')
  const suggested = first && worker.region !== 'other' ? ` (${t('helpdesk.desk.suggested')})` : ''
  return `${worker.name} — ${fits}${suggested}`
}

function messageItem(ctx: PageContext, message: DeskMessage): string {
  const { t, locale } = ctx
  const who =
    message.author === 'writer'
      ? t('helpdesk.desk.fromWriter')
      : (message.authorName ?? t('helpdesk.desk.formerMember'))
  const kind = t(`helpdesk.desk.messageKinds.${message.author}`)
  return html`<li class="message ${message.author}"><p class="meta">${kind} · ${who} · ${messageTime(message.author, message.sentAt, locale)}</p>
!${message.text === null ? html`<p class="hint">${t('helpdesk.desk.noKey')}</p>` : html`<p class="text">${message.text}</p>`}</li>`
}

// Status and outcome: as sent when sent back (closing needs an outcome), else as the report has them.
function statusForm(ctx: PageContext, path: string, view: ReportView): string {
  const { t } = ctx
  const sent = view.statusForm ?? {
    status: view.report.status,
    outcome: view.report.outcome ?? '',
    errors: {},
  }
  const labels = { status: t('helpdesk.desk.newStatus'), outcome: t('helpdesk.desk.outcome') }
  return html`!${errorSummary(ctx, sent.errors, labels)}
<form class="stack" method="post" action="${path}/status">!${csrfField(ctx)}
!${selectField(ctx, sent.errors, { name: 'status', label: labels.status, value: sent.status, options: statuses.map((status) => ({ value: status, label: t(`helpdesk.desk.statuses.${status}`) })) })}
!${selectField(ctx, sent.errors, { name: 'outcome', label: labels.outcome, hint: t('helpdesk.desk.outcomeHint'), value: sent.outcome, options: [{ value: '', label: t('helpdesk.desk.noOutcome') }, ...outcomes.map((outcome) => ({ value: outcome, label: t(`helpdesk.desk.outcomes.${outcome}`) }))] })}
<button type="submit">${t('helpdesk.desk.changeStatus')}</button></form>`
}

/** One report: what was sent, the thread, the reply box and the actions. */
export function reportPage(ctx: PageContext, view: ReportView): string {
  const { t, locale } = ctx
  const { report, opened } = view
  const path = `${deskBase}/reports/${report.id}`
  const content = opened.content
    ? html`<dl class="summary">!${answerRows(ctx, opened.content as unknown as Record<string, unknown>, { hide: ['region'], showNo: true })}</dl>`
    : html`<p class="hint">${t('helpdesk.desk.noKey')}</p>`
  const thread = opened.messages.length
    ? html`<ol class="thread">!${opened.messages.map((message) => messageItem(ctx, message)).join('')}</ol>`
    : html`<p>${t('helpdesk.desk.noMessages')}</p>`
  const templateForm = view.templates.length
    ? html`<form method="get" action="${path}#reply" class="filter-row">
!${selectField(ctx, {}, { name: 'template', label: t('helpdesk.desk.template'), value: '', options: view.templates })}
<div class="actions"><button type="submit" class="secondary">${t('helpdesk.desk.useTemplate')}</button></div></form>`
    : ''
  const canAssign = ctx.staff?.can(ASSIGN_HELPDESK) ?? false
  const assignErrors = view.assignErrors ?? {}
  const assignForm = canAssign
    ? html`!${errorSummary(ctx, assignErrors, { assignee: t('helpdesk.desk.assignTo') })}
<form class="stack" method="post" action="${path}/assign">!${csrfField(ctx)}
!${selectField(ctx, assignErrors, { name: 'assignee', label: t('helpdesk.desk.assignTo'), hint: t('helpdesk.desk.suggestHint'), value: report.assigneeId ?? '', options: [{ value: '', label: t('helpdesk.desk.nobody') }, ...view.workers.map((worker, index) => ({ value: worker.id, label: workerLabel(ctx, worker, view, index === 0) }))] })}
<button type="submit">${t('helpdesk.desk.assign')}</button></form>`
    : report.assigneeId
      ? ''
      : html`<form method="post" action="${path}/claim">!${csrfField(ctx)}<button type="submit">${t('helpdesk.desk.claim')}</button></form>`
  const grouped = view.grouped.length
    ? html`<h2>${t('helpdesk.desk.groupTitle')}</h2><ul>!${view.grouped
        .map(
          (other) =>
            html`<li><a href="${deskBase}/reports/${other.id}">${formatDateTime(other.receivedAt, locale)}</a> — ${t(`helpdesk.desk.statuses.${other.status}`)}</li>`,
        )
        .join('')}</ul>`
    : ''
  return layout(ctx, {
    title: t('helpdesk.desk.reportTitle'),
    body: html`<h1>${categoryLabel(ctx, report.category)}: ${t(`helpdesk.desk.urgencies.${report.urgency}`)}</h1>
!${noticeLine(view.notice)}
<dl class="facts">
<dt>${t('helpdesk.desk.received')}</dt><dd><time datetime="${report.receivedAt.toISOString()}">${formatDateTime(report.receivedAt, locale)}</time> (${age(ctx, report.receivedAt)})</dd>
<dt>${t('helpdesk.desk.region')}</dt><dd>${view.regionName ?? t('helpdesk.desk.noRegion')}</dd>
!${report.flags.length ? html`<dt>${t('helpdesk.desk.flag')}</dt><dd>!${flagTags(ctx, report.flags).trimStart()}</dd>` : ''}
!${report.consentWithdrawn ? html`<dt>${t('helpdesk.desk.publishing')}</dt><dd>!${tag(t('helpdesk.desk.consentWithdrawn'), 'warn')}</dd>` : ''}
<dt>${t('helpdesk.desk.status')}</dt><dd>${t(`helpdesk.desk.statuses.${report.status}`)}!${report.outcome ? html` (${t(`helpdesk.desk.outcomes.${report.outcome}`)})` : ''}</dd>
<dt>${t('helpdesk.desk.assignee')}</dt><dd>${view.assigneeName ?? t('helpdesk.desk.nobody')}</dd>
</dl>
<div class="with-aside"><div>
<h2>${t('helpdesk.desk.sent')}</h2>
!${content}
!${opened.files.length ? html`<ul class="files">!${opened.files.map((id, i) => html`<li><a href="${path}/files/${id}">${t('helpdesk.desk.photo', { n: i + 1 })}</a></li>`).join('')}</ul>` : ''}
<h2>${t('helpdesk.desk.thread')}</h2>
!${thread}
<h2 id="reply">${t('helpdesk.desk.replyTitle')}</h2>
!${templateForm}
!${errorSummary(ctx, view.errors, { text: t('helpdesk.desk.replyText'), author: t('helpdesk.desk.sendAs') })}
<form class="stack" method="post" action="${path}/messages">!${csrfField(ctx)}
!${textareaField(ctx, view.errors, { name: 'text', label: t('helpdesk.desk.replyText'), hint: t('helpdesk.desk.replyHint'), value: view.reply.text, rows: 8 })}
!${radioGroup(ctx, view.errors, {
      name: 'author',
      legend: t('helpdesk.desk.sendAs'),
      value: view.reply.author,
      options: [
        { value: 'desk', label: t('helpdesk.desk.asReply') },
        { value: 'note', label: t('helpdesk.desk.asNote') },
      ],
    })}
<button type="submit">${t('helpdesk.desk.send')}</button></form>
</div>
<aside aria-labelledby="report-actions"><h2 id="report-actions">${t('helpdesk.desk.actions')}</h2>
!${assignForm}
!${statusForm(ctx, path, view)}
<p><a href="${path}/convert">${report.chronicleEventId ? t('helpdesk.desk.convertedLink') : t('helpdesk.desk.convertLink')}</a></p>
!${grouped}
</aside></div>
<p><a href="${deskBase}">${t('helpdesk.desk.backToQueue')}</a></p>`,
  })
}
