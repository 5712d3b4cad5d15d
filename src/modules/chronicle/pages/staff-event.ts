/** The new-event page, and an event's staff page: the edit form, its sources and its review. */
import { html } from 'ghtml'
import type { Option } from '../../../platform/html/forms.ts'
import { csrfField, layout, noticeLine, type PageContext } from '../../../platform/html/layout.ts'
import { formatDateTime } from '../../../platform/i18n.ts'
import { localisedText } from '../../../platform/localised.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import { REVIEW_CHRONICLE } from '../policy.ts'
import type { DuplicateCandidate } from '../queries/duplicates.ts'
import type { StaffEvent } from '../queries/event-record.ts'
import { eventErrorSummary, eventFields, sourceFields, type TermOption } from './staff-event-form.ts'
import { sourceText, staffDateText } from './staff-fields.ts'
import { duplicatesSection, mergedSection } from './staff-merge.ts'

/** The form for a new event with its first source. */
export function newEventPage(
  ctx: PageContext,
  options: {
    values: Record<string, string>
    errors: FieldErrors
    types: TermOption[]
    regions: TermOption[]
    countries?: Option[]
  },
): string {
  const { t } = ctx
  const body = html`<h1>${t('chronicle.staff.newTitle')}</h1>
!${eventErrorSummary(ctx, options.errors)}
<form class="stack" method="post" action="/staff/chronicle/events" novalidate>
!${csrfField(ctx)}
!${eventFields(ctx, options)}
<fieldset><legend>${t('chronicle.staff.firstSource')}</legend>
!${sourceFields(ctx, { values: options.values, errors: options.errors, prefix: 'source_' })}
</fieldset>
<p><button type="submit">${t('chronicle.staff.create')}</button> <a href="/staff/chronicle">${t('chronicle.staff.cancel')}</a></p>
</form>`
  return layout(ctx, { title: t('chronicle.staff.newTitle'), body, narrow: true })
}

/** An event's title for headings: in the reader's language, else any, else its number. */
export function eventTitle(ctx: PageContext, event: StaffEvent): string {
  const { record } = event
  return (
    localisedText(
      {
        ru: record.title_ru ?? undefined,
        en: record.title_en ?? undefined,
        uk: record.title_uk ?? undefined,
      },
      ctx.locale,
    ) || ctx.t('chronicle.staff.untitled', { id: event.id })
  )
}

/** The review panel: status, verifications, and the actions a reviewer may take. */
function reviewPanel(
  ctx: PageContext,
  event: StaffEvent,
  review: {
    verifications: { display_name: string | null; at: Date }[]
    blocker: string | null
    secondRequired: boolean
  },
): string {
  const { t, locale } = ctx
  const { record } = event
  const reviewer = ctx.staff?.can(REVIEW_CHRONICLE) ?? false
  const verified = review.verifications.length
    ? html`<ul>!${review.verifications.map((entry) => html`<li>${entry.display_name ?? '—'}, ${formatDateTime(entry.at, locale)}</li>`).join('')}</ul>`
    : html`<p>${t('chronicle.staff.noVerifications')}</p>`
  const action = (path: string, label: string, style = '') =>
    html`<form class="inline" method="post" action="/staff/chronicle/events/${event.id}/${path}">!${csrfField(ctx)}<input type="hidden" name="version" value="${event.version}"><button type="submit" class="${style}">${label}</button></form> `
  const actions = reviewer
    ? html`<p>!${action('verify', t('chronicle.staff.verify'))}!${record.status === 'disputed' ? '' : action('dispute', t('chronicle.staff.dispute'), 'secondary')}
!${record.published ? html`<a class="button secondary" href="/staff/chronicle/events/${event.id}/unpublish">${t('chronicle.staff.unpublish')}</a>` : review.blocker ? '' : action('publish', t('chronicle.staff.publish'))}</p>
!${!record.published && review.blocker ? html`<p class="hint">${t('chronicle.staff.cannotPublish')} ${t(`errors.${review.blocker}`)}</p>` : ''}`
    : html`<p class="hint">${t('chronicle.staff.reviewersOnly')}</p>`
  return html`<section aria-labelledby="review"><h2 id="review">${t('chronicle.staff.review')}</h2>
<p>${t('chronicle.staff.fields.status')}: <strong>${t(`chronicle.staff.status.${record.status}`)}</strong> ·
${record.published ? t('chronicle.staff.publishedSince', { date: formatDateTime(event.publishedAt!, locale) }) : t('chronicle.staff.notPublished')}</p>
!${review.secondRequired ? html`<p class="hint">${t('chronicle.staff.secondRequired')}</p>` : ''}
<h3>${t('chronicle.staff.verifiedBy')}</h3>
!${verified}
!${actions}
</section>`
}

/** The list of sources, each with its own small remove form, and the form to add one. */
function sourcesSection(
  ctx: PageContext,
  event: StaffEvent,
  options: { sourceValues: Record<string, string>; sourceErrors: FieldErrors },
): string {
  const { t } = ctx
  const items = event.record.sources
    .map(
      (source) => html`<li>${sourceText(ctx, source)}
!${event.record.sources.length > 1 ? html`<form class="inline" method="post" action="/staff/chronicle/events/${event.id}/sources/${source.id}?_method=DELETE">!${csrfField(ctx)}<button type="submit" class="link-button">${t('chronicle.staff.removeSource')}</button></form>` : ''}</li>`,
    )
    .join('')
  return html`<section aria-labelledby="sources"><h2 id="sources">${t('chronicle.staff.sources')}</h2>
!${items ? html`<ul>!${items}</ul>` : html`<p class="field-error">${t('chronicle.staff.noSources')}</p>`}
<h3 id="add-source">${t('chronicle.staff.addSource')}</h3>
!${eventErrorSummary(ctx, options.sourceErrors)}
<form class="stack" method="post" action="/staff/chronicle/events/${event.id}/sources" novalidate>
!${csrfField(ctx)}
!${sourceFields(ctx, { values: options.sourceValues, errors: options.sourceErrors })}
<p><button type="submit">${t('chronicle.staff.addSourceSubmit')}</button></p>
</form></section>`
}

/** An event's staff page. */
export function editEventPage(
  ctx: PageContext,
  options: {
    event: StaffEvent
    values: Record<string, string>
    errors: FieldErrors
    types: TermOption[]
    regions: TermOption[]
    countries?: Option[]
    sourceValues?: Record<string, string>
    sourceErrors?: FieldErrors
    notice?: string
    review: {
      verifications: { display_name: string | null; at: Date }[]
      blocker: string | null
      secondRequired: boolean
    }
    /** Likely duplicates of the event, shown with their reasons. */
    duplicates?: DuplicateCandidate[]
    /** Where the event was merged into, if it was. */
    merged?: { into: number; undoable: boolean } | null
  },
): string {
  const { t } = ctx
  const { event } = options
  const title = eventTitle(ctx, event)
  const body = html`<h1>${title}</h1>
!${noticeLine(options.notice)}
<p>${t('chronicle.staff.eventMeta', { id: event.id, version: event.version })} ·
${staffDateText(ctx, event.record.start_date, event.record.start_precision)} ·
<a href="/staff/chronicle/events/${event.id}/history">${t('chronicle.staff.history')}</a> · <a href="/staff/chronicle">${t('chronicle.staff.backToList')}</a></p>
!${options.merged ? mergedSection(ctx, event, options.merged) : ''}
!${duplicatesSection(ctx, event, options.duplicates ?? [])}
!${reviewPanel(ctx, event, options.review)}
<section aria-labelledby="edit"><h2 id="edit">${t('chronicle.staff.edit')}</h2>
!${eventErrorSummary(ctx, options.errors)}
<form class="stack" method="post" action="/staff/chronicle/events/${event.id}?_method=PUT" novalidate>
!${csrfField(ctx)}
<input type="hidden" name="version" value="${options.values.version ?? event.version}">
!${eventFields(ctx, options)}
<p><button type="submit">${t('chronicle.staff.save')}</button></p>
</form></section>
!${sourcesSection(ctx, event, { sourceValues: options.sourceValues ?? {}, sourceErrors: options.sourceErrors ?? {} })}`
  return layout(ctx, { title, body, narrow: true })
}
