/**
 * The desk's texts for staff (admins and coordinators) under /staff/helpdesk/texts: the list (what
 * each is, when and by whom it was last changed), the edit page, the page when someone saved in
 * between, and the history. The forms and lists themselves are the platform's (platform/texts/pages.ts).
 */
import { html } from 'ghtml'
import type { ChangeSince } from '../../../platform/history/versions.ts'
import { breadcrumbs } from '../../../platform/html/components.ts'
import { layout, noticeLine, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { formatDateTime } from '../../../platform/i18n.ts'
import { localisedText } from '../../../platform/localised.ts'
import { textConflict, textEditForm, textHistoryList } from '../../../platform/texts/pages.ts'
import type { EditableText, TextField, TextHistoryEntry } from '../../../platform/texts/texts.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import { type DeskTextName, type GuideName, guideNames } from '../queries/guides.ts'
import { deskBase } from './desk.ts'
import { guidePath } from './guides.ts'

/** Where the desk's texts are edited. */
export const textsBase = `${deskBase}/texts`

const nameOf = (ctx: PageContext, name: DeskTextName) => ctx.t(`helpdesk.texts.names.${name}`)
const isGuide = (name: DeskTextName): name is GuideName => (guideNames as readonly string[]).includes(name)

function changedBy(ctx: PageContext, text: EditableText): string {
  return text.updatedByName ?? ctx.t(text.updatedBy ? 'texts.formerMember' : 'texts.bySite')
}

// Where the text is, one line for the editor, and a link to a guide's public page.
function whereShown(ctx: PageContext, name: DeskTextName): string {
  const { t } = ctx
  return html`<p>${t(`helpdesk.texts.where.${name}`)}!${isGuide(name) ? html` <a href="${guidePath(name)}">${t('helpdesk.texts.openPublic')}</a>` : ''}</p>`
}

/** Every desk text: what it is, its title, when and by whom it was last changed. */
export function textsListPage(
  ctx: PageContext,
  view: { texts: { name: DeskTextName; text: EditableText }[]; notice?: string },
): string {
  const { t, locale } = ctx
  const rows = view.texts
    .map(
      ({
        name,
        text,
      }) => html`<tr><th scope="row"><a href="${textsBase}/${name}">${nameOf(ctx, name)}</a></th>
<td>${localisedText(text.titles, locale) || '—'}</td><td>${formatDateTime(text.updatedAt, locale)}</td><td>${changedBy(ctx, text)}</td>
<td><a href="${textsBase}/${name}/history">${t('helpdesk.texts.history')}</a></td></tr>`,
    )
    .join('')
  return layout(ctx, {
    title: t('helpdesk.texts.heading'),
    body: html`<h1>${t('helpdesk.texts.heading')}</h1>
!${noticeLine(view.notice)}
<p>${t('helpdesk.texts.intro')}</p>
!${scrollingTable(
      'texts-caption',
      t('helpdesk.texts.caption'),
      html`<thead><tr><th scope="col">${t('helpdesk.texts.name')}</th><th scope="col">${t('helpdesk.texts.title')}</th><th scope="col">${t('helpdesk.texts.changedAt')}</th><th scope="col">${t('texts.changedBy')}</th><th scope="col"><span class="visually-hidden">${t('helpdesk.texts.history')}</span></th></tr></thead>
<tbody>!${rows}</tbody>`,
    )}`,
  })
}

function crumbs(ctx: PageContext, name: DeskTextName, last?: string): string {
  const items = [
    { href: textsBase, label: ctx.t('helpdesk.texts.heading') },
    { href: `${textsBase}/${name}`, label: nameOf(ctx, name) },
  ]
  return breadcrumbs(ctx, last ? [...items, { label: last }] : items)
}

/** One text's form, with where it is shown and the way to its history. */
export function textEditPage(
  ctx: PageContext,
  view: {
    name: DeskTextName
    text: EditableText
    /** The version the form edits: the one the editor opened. */
    version: number
    values: Record<string, unknown>
    errors: FieldErrors
  },
): string {
  const { t, locale } = ctx
  const { name, text } = view
  const title = t('helpdesk.texts.editHeading', { name: nameOf(ctx, name) })
  return layout(ctx, {
    title,
    narrow: true,
    body: html`!${crumbs(ctx, name)}
<h1>${title}</h1>
!${whereShown(ctx, name)}
<p class="meta">${t('helpdesk.texts.lastChanged', { version: text.version, when: formatDateTime(text.updatedAt, locale), who: changedBy(ctx, text) })} <a href="${textsBase}/${name}/history">${t('helpdesk.texts.history')}</a></p>
!${textEditForm(ctx, { action: `${textsBase}/${name}`, version: view.version, values: view.values, errors: view.errors })}`,
  })
}

/** The page when someone saved the text after the editor opened it: theirs kept, mine in the form. */
export function textConflictPage(
  ctx: PageContext,
  view: {
    name: DeskTextName
    current: EditableText
    baseVersion: number
    changes: ChangeSince<TextField>[]
    values: Record<string, unknown>
  },
): string {
  const { t } = ctx
  const title = t('helpdesk.texts.editHeading', { name: nameOf(ctx, view.name) })
  return layout(ctx, {
    title,
    narrow: true,
    body: html`!${crumbs(ctx, view.name)}
<h1>${title}</h1>
!${textConflict(ctx, { action: `${textsBase}/${view.name}`, current: view.current, baseVersion: view.baseVersion, changes: view.changes, values: view.values })}`,
  })
}

/** Every version of one text: who, when, and each changed field before and after. */
export function textHistoryPage(
  ctx: PageContext,
  view: { name: DeskTextName; history: TextHistoryEntry[] },
): string {
  const { t } = ctx
  const title = t('helpdesk.texts.historyHeading', { name: nameOf(ctx, view.name) })
  return layout(ctx, {
    title,
    body: html`!${crumbs(ctx, view.name, t('helpdesk.texts.history'))}
<h1>${title}</h1>
!${textHistoryList(ctx, view.history)}`,
  })
}
