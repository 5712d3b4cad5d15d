/** The public home page: what Lifeline is, its parts, each module's links, and how to stay safe. */
import { html } from 'ghtml'
import { layout, type PageContext } from '../../../platform/html/layout.ts'
import type { HomeLink } from '../../../platform/module.ts'

// Every part Lifeline is made of, built or not yet, in the order the page tells them.
const parts = ['chronicle', 'helpdesk', 'prisoners', 'exit', 'fund', 'publishing']

/** The home page, with `links` from the installed modules' descriptors. */
export function homePage(ctx: PageContext, links: readonly HomeLink[]): string {
  const { t } = ctx
  const body = html`<h1>${t('home.title')}</h1>
<p>${t('home.lead')}</p>
<h2>${t('home.partsTitle')}</h2>
<ul>!${parts.map((part) => html`<li><strong>${t(`home.parts.${part}.name`)}</strong> — ${t(`home.parts.${part}.text`)}</li>`).join('')}</ul>
!${links.map((link) => html`<p><a href="${link.href}">${t(link.label)}</a></p>`).join('\n')}
<h2>${t('home.safetyTitle')}</h2>
<p>${t('home.safety')}</p>
<p><a href="/login">${t('home.staffSignIn')}</a></p>`
  return layout(ctx, { title: t('home.title'), body })
}
