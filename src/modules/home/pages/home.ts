/** The public home page: what Lifeline is, the parts this site runs (one entry per installed module), and how to stay safe. */
import { html } from 'ghtml'
import { layout, type PageContext } from '../../../platform/html/layout.ts'
import type { HomeLink } from '../../../platform/module.ts'

/** The home page, with `entries` from the installed modules' descriptors, in their order. */
export function homePage(ctx: PageContext, entries: readonly HomeLink[]): string {
  const { t } = ctx
  const parts = entries
    .map(
      (entry) => html`<li class="card"><h3>${t(entry.name)}</h3>
<p>${t(entry.description)}</p>
<p><a href="${entry.href}">${t(entry.label)}</a></p></li>`,
    )
    .join('')
  const body = html`<h1>${t('home.title')}</h1>
<p>${t('home.lead')}</p>
!${
    parts
      ? html`<h2>${t('home.partsTitle')}</h2>
<ul class="cards">!${parts}</ul>`
      : ''
  }
<h2>${t('home.safetyTitle')}</h2>
<p>${t('home.safety')}</p>
<p><a href="/login">${t('home.staffSignIn')}</a></p>`
  return layout(ctx, { title: t('home.title'), body })
}
