/** The first page after signing in. */
import { html } from 'ghtml'
import { layout, type PageContext } from '../../../platform/html/layout.ts'

/** Greets the member and lists what their roles let them do. */
export function dashboardPage(ctx: PageContext, options: { name: string; roles: string[] }): string {
  const { t } = ctx
  const roles = options.roles.map((role) => html`<span class="badge">${t(`roles.${role}`)}</span>`).join(' ')
  const body = html`<h1>${t('dashboard.title', { name: options.name })}</h1>
<p>${t('dashboard.roles')} !${roles || html`${t('dashboard.noRoles')}`}</p>
<p>${t('dashboard.intro')}</p>`
  return layout(ctx, { title: t('nav.dashboard'), body })
}
