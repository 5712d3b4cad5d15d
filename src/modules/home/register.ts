/** The public home page: what Lifeline is, in the reader's language, with every module's links. */
import type { FastifyInstance } from 'fastify'
import { html } from 'ghtml'
import { layout } from '../../platform/html/layout.ts'
import type { ModuleDeps } from '../../platform/module.ts'
import { pageContext, sendPage } from '../../platform/request-context.ts'

/** Registers the home page. */
export function registerHome(app: FastifyInstance, deps: ModuleDeps) {
  const links = deps.modules.flatMap((module) => module.home ?? [])
  app.get('/', { config: { policy: 'public' } }, async (request, reply) => {
    const ctx = pageContext(request)
    const { t } = ctx
    const parts = ['chronicle', 'helpdesk', 'prisoners', 'exit', 'fund', 'publishing']
    const body = html`<h1>${t('home.title')}</h1>
<p>${t('home.lead')}</p>
<h2>${t('home.partsTitle')}</h2>
<ul>!${parts.map((part) => html`<li><strong>${t(`home.parts.${part}.name`)}</strong> — ${t(`home.parts.${part}.text`)}</li>`).join('')}</ul>
!${links.map((link) => html`<p><a href="${link.href}">${t(link.label)}</a></p>`).join('\n')}
<h2>${t('home.safetyTitle')}</h2>
<p>${t('home.safety')}</p>
<p><a href="/login">${t('home.staffSignIn')}</a></p>`
    return sendPage(reply, layout(ctx, { title: t('home.title'), body }))
  })
}
