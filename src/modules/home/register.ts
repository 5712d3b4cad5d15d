/** The public home page: what Lifeline is, in the reader's language. */
import type { FastifyInstance } from 'fastify'
import { html } from 'ghtml'
import type { AppDeps } from '../../app.ts'
import { layout } from '../../platform/html/layout.ts'
import { pageContext, sendPage } from '../../platform/request-context.ts'

/** Registers the home page. */
export function registerHome(app: FastifyInstance, _deps: AppDeps) {
  app.get('/', { config: { policy: 'public' } }, async (request, reply) => {
    const ctx = pageContext(request)
    const { t } = ctx
    const parts = ['chronicle', 'helpdesk', 'prisoners', 'exit', 'fund', 'publishing']
    const body = html`<h1>${t('home.title')}</h1>
<p>${t('home.lead')}</p>
<h2>${t('home.partsTitle')}</h2>
<ul>!${parts.map((part) => html`<li><strong>${t(`home.parts.${part}.name`)}</strong> — ${t(`home.parts.${part}.text`)}</li>`).join('')}</ul>
<p><a href="/chronicle">${t('chronicle.public.homeLink')}</a></p>
<p><a href="/help">${t('helpdesk.public.homeLink')}</a></p>
<h2>${t('home.safetyTitle')}</h2>
<p>${t('home.safety')}</p>
<p><a href="/login">${t('home.staffSignIn')}</a></p>`
    return sendPage(reply, layout(ctx, { title: t('home.title'), body }))
  })
}
