/** Staff pages for the vocabularies: every term with its labels, the proposal form, the review queue. */
import { html } from 'ghtml'
import { errorSummary, field, fieldError, sentText } from '../../../platform/html/forms.ts'
import { csrfField, layout, noticeLine, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { formatDateTime, type Locale } from '../../../platform/i18n.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import type { ProposedTerm } from '../../../platform/vocabularies/queries.ts'
import { type Term, termLabel, type Vocabulary, vocabularies } from '../../../platform/vocabularies/terms.ts'
import { REVIEW_CHRONICLE } from '../policy.ts'

const base = '/staff/chronicle/vocabularies'
// Labels are listed in this order whatever the page's language, so columns never move.
const languages: Locale[] = ['ru', 'uk', 'en']

/** What the vocabularies page shows. */
export type VocabulariesView = {
  terms: Record<Vocabulary, Term[]>
  proposed: ProposedTerm[]
  values: Record<string, unknown>
  errors: FieldErrors
  notice?: string
}

function labelCells(term: Term): string {
  return languages
    .map((language) => html`<td lang="${language}">${term.labels[language] ?? ''}</td>`)
    .join('')
}

function languageHeaders(ctx: PageContext): string {
  return languages
    .map((language) => html`<th scope="col">${ctx.t(`chronicle.vocabulary.label.${language}`)}</th>`)
    .join('')
}

function vocabularyTable(ctx: PageContext, vocabulary: Vocabulary, terms: Term[]): string {
  const { t } = ctx
  const rows = terms
    .map((term) => html`<tr><th scope="row"><code>${term.code}</code></th>!${labelCells(term)}</tr>`)
    .join('')
  return html`<section aria-labelledby="vocabulary-${vocabulary}">
<h2 id="vocabulary-${vocabulary}">${t(`chronicle.vocabulary.names.${vocabulary}`)}</h2>
!${scrollingTable(
    `vocabulary-${vocabulary}-caption`,
    t('chronicle.vocabulary.termCount', { count: terms.length }),
    html`<thead><tr><th scope="col">${t('chronicle.vocabulary.code')}</th>!${languageHeaders(ctx)}</tr></thead>
<tbody>!${rows}</tbody>`,
  )}
</section>`
}

function queue(ctx: PageContext, proposed: ProposedTerm[]): string {
  const { t, locale } = ctx
  const reviewer = ctx.staff?.can(REVIEW_CHRONICLE) ?? false
  if (!proposed.length) {
    return html`<h2 id="queue">${t('chronicle.vocabulary.queueTitle')}</h2><p>${t('chronicle.vocabulary.queueEmpty')}</p>`
  }
  const rows = proposed
    .map((term) => {
      const actions = reviewer
        ? html`<td><form class="inline" method="post" action="${base}/terms/${term.id}/approve">!${csrfField(ctx)}<button type="submit" aria-label="${t('chronicle.vocabulary.approveTerm', { code: term.code })}">${t('chronicle.vocabulary.approve')}</button></form>
<a class="button secondary" href="${base}/terms/${term.id}/reject" aria-label="${t('chronicle.vocabulary.rejectTerm', { code: term.code })}">${t('chronicle.vocabulary.reject')}</a></td>`
        : ''
      return html`<tr><td>${t(`chronicle.vocabulary.names.${term.vocabulary}`)}</td><th scope="row"><code>${term.code}</code></th>!${labelCells(term)}
<td>${term.proposerName ?? '—'}</td><td>${formatDateTime(term.createdAt, locale)}</td>!${actions}</tr>`
    })
    .join('')
  return html`<h2 id="queue">${t('chronicle.vocabulary.queueTitle')}</h2>
!${reviewer ? '' : html`<p>${t('chronicle.vocabulary.queueReadOnly')}</p>`}
!${scrollingTable(
    'queue-caption',
    t('chronicle.vocabulary.queueCount', { count: proposed.length }),
    html`<thead><tr><th scope="col">${t('chronicle.vocabulary.vocabulary')}</th><th scope="col">${t('chronicle.vocabulary.code')}</th>!${languageHeaders(ctx)}
<th scope="col">${t('chronicle.vocabulary.proposedBy')}</th><th scope="col">${t('chronicle.vocabulary.proposedAt')}</th>!${reviewer ? html`<th scope="col">${t('chronicle.vocabulary.actions')}</th>` : ''}</tr></thead>
<tbody>!${rows}</tbody>`,
  )}`
}

function proposeForm(ctx: PageContext, values: Record<string, unknown>, errors: FieldErrors): string {
  const { t } = ctx
  const value = (name: string) => sentText(values, name)
  const chosen = value('vocabulary')
  const options = vocabularies
    .map(
      (vocabulary) =>
        html`<option value="${vocabulary}" !${chosen === vocabulary ? 'selected' : ''}>${t(`chronicle.vocabulary.names.${vocabulary}`)}</option>`,
    )
    .join('')
  const vocabularyError = errors.vocabulary
  const labels = {
    vocabulary: t('chronicle.vocabulary.vocabulary'),
    code: t('chronicle.vocabulary.code'),
    label_ru: t('chronicle.vocabulary.label.ru'),
    label_uk: t('chronicle.vocabulary.label.uk'),
    label_en: t('chronicle.vocabulary.label.en'),
  }
  return html`<h2 id="propose">${t('chronicle.vocabulary.proposeTitle')}</h2>
<p>${t('chronicle.vocabulary.proposeIntro')}</p>
!${errorSummary(ctx, errors, labels)}
<form class="stack" method="post" action="${base}/terms" novalidate>
!${csrfField(ctx)}
<div>
<label for="field-vocabulary">${labels.vocabulary}</label>
!${fieldError(ctx, errors, 'vocabulary')}
<select id="field-vocabulary" name="vocabulary" required aria-invalid="${vocabularyError ? 'true' : 'false'}" !${vocabularyError ? 'aria-describedby="field-vocabulary-error"' : ''}>!${options}</select>
</div>
!${field(ctx, errors, { name: 'code', label: labels.code, hint: t('chronicle.vocabulary.codeHint'), value: value('code'), required: true, maxlength: 40 })}
!${field(ctx, errors, { name: 'label_ru', label: labels.label_ru, value: value('label_ru'), required: true, maxlength: 200 })}
!${field(ctx, errors, { name: 'label_uk', label: labels.label_uk, value: value('label_uk'), required: true, maxlength: 200 })}
!${field(ctx, errors, { name: 'label_en', label: labels.label_en, value: value('label_en'), required: true, maxlength: 200 })}
<p><button type="submit">${t('chronicle.vocabulary.proposeSubmit')}</button></p>
</form>`
}

/** The vocabularies: the review queue, the proposal form, then every vocabulary's approved terms. */
export function vocabulariesPage(ctx: PageContext, view: VocabulariesView): string {
  const { t } = ctx
  const contents = vocabularies
    .map(
      (vocabulary) =>
        html`<li><a href="#vocabulary-${vocabulary}">${t(`chronicle.vocabulary.names.${vocabulary}`)}</a> (${view.terms[vocabulary].length})</li>`,
    )
    .join('')
  const body = html`<h1>${t('chronicle.vocabulary.title')}</h1>
!${noticeLine(view.notice)}
<p>${t('chronicle.vocabulary.intro')}</p>
<nav aria-label="${t('chronicle.vocabulary.contents')}"><ul>!${contents}</ul></nav>
!${queue(ctx, view.proposed)}
!${proposeForm(ctx, view.values, view.errors)}
!${vocabularies.map((vocabulary) => vocabularyTable(ctx, vocabulary, view.terms[vocabulary])).join('')}`
  return layout(ctx, { title: t('chronicle.vocabulary.title'), body })
}

/** Asks before rejecting a proposed term. */
export function confirmRejectPage(ctx: PageContext, term: Term): string {
  const { t, locale } = ctx
  const title = t('chronicle.vocabulary.rejectTitle', { label: termLabel(term, locale), code: term.code })
  const body = html`<h1>${title}</h1>
<p>${t('chronicle.vocabulary.rejectWarning')}</p>
<form method="post" action="${base}/terms/${term.id}/reject">!${csrfField(ctx)}<button class="danger" type="submit">${t('chronicle.vocabulary.rejectConfirm')}</button></form>
<p><a href="${base}#queue">${t('chronicle.vocabulary.cancel')}</a></p>`
  return layout(ctx, { title, body, narrow: true })
}
