/**
 * The help desk's public guides ("Know your rights", the relatives' checklist): a page each, in the
 * reading layout, that prints on one sheet (public/style.css, print rules for `article.guide`); the
 * links to them that every public help page carries; and the operator's blocks (how soon the desk
 * answers, where else to turn) shown after sending and when no desk can take a report.
 */
import { html } from 'ghtml'
import { layout, type PageContext } from '../../../platform/html/layout.ts'
import { textArticle, textBlock } from '../../../platform/texts/pages.ts'
import type { EditableText } from '../../../platform/texts/texts.ts'
import { type DeskBlocks, type GuideName, guideNames } from '../queries/guides.ts'

/** Where a guide lives. */
export const guidePath = (name: GuideName) => `/help/${name}`

/** The links to both guides, to read before anyone answers ('' on a guide's own page for itself). */
export function guideLinks(ctx: PageContext, except?: GuideName): string {
  const { t } = ctx
  const links = guideNames
    .filter((name) => name !== except)
    .map((name) => html`<li><a href="${guidePath(name)}">${t(`helpdesk.guides.${name}`)}</a></li>`)
    .join('')
  return html`<nav class="guide-links" aria-label="${t('helpdesk.guides.linksLabel')}"><p>${t('helpdesk.guides.readFirst')}</p><ul>!${links}</ul></nav>`
}

/** The operator's blocks: when to expect an answer, where else to turn; each left out when cleared. */
export function deskBlocksHtml(ctx: PageContext, blocks: DeskBlocks | undefined): string {
  if (!blocks) return ''
  return [textBlock(ctx, blocks.replyTime), textBlock(ctx, blocks.contacts)].filter(Boolean).join('\n')
}

/** A guide's page: the text, then the way back and to the other guide (neither printed). */
export function guidePage(ctx: PageContext, name: GuideName, text: EditableText | undefined): string {
  const { t } = ctx
  const title = t(`helpdesk.guides.${name}`)
  const article = textArticle(ctx, text, title)
  return layout(ctx, {
    title: text?.titles[ctx.locale] || title,
    narrow: true,
    body: html`!${article}
<p class="hint">${t('helpdesk.guides.printHint')}</p>
!${guideLinks(ctx, name)}
<p><a href="/help">${t('helpdesk.guides.backToHelp')}</a></p>`,
  })
}
