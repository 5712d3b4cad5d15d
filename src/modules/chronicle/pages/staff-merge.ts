/**
 * Duplicates and merging on staff pages: the likely duplicates of an event with why each looks the
 * same, the confirmation asked before merging (a plain form: no JavaScript), and the note on a merged
 * event with its undo.
 */
import { html } from 'ghtml'
import { actions, buttonForm, emptyState, messageBox, tag } from '../../../platform/html/components.ts'
import { csrfField, layout, type PageContext } from '../../../platform/html/layout.ts'
import { formatNumber } from '../../../platform/i18n.ts'
import { localisedText } from '../../../platform/localised.ts'
import { REVIEW_CHRONICLE } from '../policy.ts'
import type { DuplicateCandidate, DuplicateReasons } from '../queries/duplicates.ts'
import type { StaffEvent } from '../queries/event-record.ts'
import { sourceText, staffDateText } from './staff-fields.ts'

/** Why a candidate looks the same, in words: each criterion that matched. */
export function reasonText(ctx: PageContext, reasons: DuplicateReasons): string {
  const { t } = ctx
  return [
    t(`chronicle.merge.reason.${reasons.date}`),
    reasons.place ? t(`chronicle.merge.reason.${reasons.place}`) : '',
    reasons.type ? t('chronicle.merge.reason.type') : '',
    t(`chronicle.merge.reason.${reasons.text}`, {
      language: t(`chronicle.merge.language.${reasons.language}`),
      percent: formatNumber(Math.round(reasons.similarity * 100), ctx.locale),
    }),
  ]
    .filter(Boolean)
    .join(' · ')
}

// An event's title as headings show it (the event page's own helper, which imports this file).
const eventTitle = (ctx: PageContext, event: StaffEvent) =>
  localisedText(
    {
      ru: event.record.title_ru ?? undefined,
      en: event.record.title_en ?? undefined,
      uk: event.record.title_uk ?? undefined,
    },
    ctx.locale,
  ) || ctx.t('chronicle.staff.untitled', { id: event.id })

const candidateTitle = (ctx: PageContext, candidate: DuplicateCandidate) =>
  localisedText(candidate.title, ctx.locale) || ctx.t('chronicle.staff.untitled', { id: candidate.id })

/** The likely duplicates of `event`, each with its reasons and (for reviewers) the way to merge it in. */
export function duplicatesSection(
  ctx: PageContext,
  event: StaffEvent,
  candidates: DuplicateCandidate[],
): string {
  const { t } = ctx
  if (!candidates.length) return ''
  const reviewer = ctx.staff?.can(REVIEW_CHRONICLE) ?? false
  const items = candidates
    .map(
      (
        candidate,
      ) => html`<li><a href="/staff/chronicle/events/${candidate.id}">${candidateTitle(ctx, candidate)}</a>
(${t('chronicle.merge.number', { id: candidate.id })}, ${staffDateText(ctx, candidate.startDate, candidate.startPrecision)})
!${candidate.published ? tag(t('chronicle.staff.publishedYes'), 'ok') : ''}
<br><span class="hint">${reasonText(ctx, candidate.reasons)}</span>
!${reviewer ? html`<br><a href="/staff/chronicle/events/${event.id}/merge?from=${candidate.id}">${t('chronicle.merge.mergeHere')}</a>` : ''}</li>`,
    )
    .join('')
  return html`<section aria-labelledby="duplicates"><h2 id="duplicates">${t('chronicle.merge.duplicates')}</h2>
!${messageBox('warn', { bodyHtml: html`<p>${t('chronicle.merge.duplicatesHint')}</p><ul>!${items}</ul>` })}
</section>`
}

/** The note on a merged event: where it went, and (while nothing changed since) the undo. */
export function mergedSection(
  ctx: PageContext,
  event: StaffEvent,
  merge: { into: number; undoable: boolean },
): string {
  const { t } = ctx
  const reviewer = ctx.staff?.can(REVIEW_CHRONICLE) ?? false
  const undo =
    reviewer && merge.undoable
      ? buttonForm(ctx, {
          action: `/staff/chronicle/events/${event.id}/unmerge`,
          label: t('chronicle.merge.undo'),
          tone: 'secondary',
          question: t('chronicle.merge.undoQuestion'),
        })
      : html`<p class="hint">${t('chronicle.merge.undoGone')}</p>`
  return messageBox('info', {
    title: t('chronicle.merge.mergedTitle'),
    role: 'status',
    bodyHtml: html`<p>${t('chronicle.merge.mergedInto')} <a href="/staff/chronicle/events/${merge.into}">${t('chronicle.merge.number', { id: merge.into })}</a></p>!${undo}`,
  })
}

/** The page listing an event's likely duplicates. */
export function duplicatesPage(
  ctx: PageContext,
  event: StaffEvent,
  candidates: DuplicateCandidate[],
): string {
  const { t } = ctx
  const title = t('chronicle.merge.duplicatesTitle', { title: eventTitle(ctx, event) })
  const body = html`<h1>${title}</h1>
<p><a href="/staff/chronicle/events/${event.id}">${t('chronicle.staff.backToEvent')}</a></p>
!${candidates.length ? duplicatesSection(ctx, event, candidates) : emptyState(t('chronicle.merge.noDuplicates'))}`
  return layout(ctx, { title, body, narrow: true })
}

const summary = (ctx: PageContext, event: StaffEvent) =>
  html`<h3>${eventTitle(ctx, event)}</h3><p>${ctx.t('chronicle.merge.number', { id: event.id })} ·
${staffDateText(ctx, event.record.start_date, event.record.start_precision)}</p>
<ul>!${event.record.sources.map((source) => html`<li>${sourceText(ctx, source)}</li>`).join('')}</ul>`

/** Asks before merging `merged` into `survivor`: what moves, what happens to the merged event's id. */
export function confirmMergePage(ctx: PageContext, survivor: StaffEvent, merged: StaffEvent): string {
  const { t } = ctx
  const title = t('chronicle.merge.confirmTitle')
  const body = html`<h1>${title}</h1>
!${messageBox('warn', { bodyHtml: html`<p>${t('chronicle.merge.confirmWarning')}</p>` })}
<h2>${t('chronicle.merge.mergedEvent')}</h2>
!${summary(ctx, merged)}
<h2>${t('chronicle.merge.survivorEvent')}</h2>
!${summary(ctx, survivor)}
<form method="post" action="/staff/chronicle/events/${survivor.id}/merge">!${csrfField(ctx)}
<input type="hidden" name="from" value="${merged.id}">
<input type="hidden" name="version" value="${survivor.version}">
<input type="hidden" name="from_version" value="${merged.version}">
!${actions(html`<button type="submit" class="danger">${t('chronicle.merge.confirm')}</button>`, html`<a href="/staff/chronicle/events/${survivor.id}">${t('chronicle.staff.cancel')}</a>`)}
</form>`
  return layout(ctx, { title, body, narrow: true })
}
