/** The first page after signing in. */
import { html } from 'ghtml'
import { layout, type PageContext } from '../../../platform/html/layout.ts'
import type { FirstStep } from '../../../platform/module.ts'

// The first steps on a fresh install, each ticked once done; nothing once all are.
function firstSteps(ctx: PageContext, steps: readonly FirstStep[]): string {
  const { t } = ctx
  if (steps.every((step) => step.done)) return ''
  const items = steps
    .map((step) =>
      step.done
        ? html`<li class="done"><span class="tag ok">${t('dashboard.stepDone')}</span> <a href="${step.href}">${t(step.label)}</a></li>`
        : html`<li><span class="tag warn">${t('dashboard.stepToDo')}</span> <a href="${step.href}">${t(step.label)}</a></li>`,
    )
    .join('')
  return html`<section class="first-steps" aria-labelledby="first-steps-title">
<h2 id="first-steps-title">${t('dashboard.firstSteps')}</h2>
<p>${t('dashboard.firstStepsIntro')}</p>
<ol class="checklist">!${items}</ol>
</section>`
}

/** Greets the member, lists what their roles let them do, and the first steps not all done yet. */
export function dashboardPage(
  ctx: PageContext,
  options: { name: string; roles: string[]; steps: readonly FirstStep[] },
): string {
  const { t } = ctx
  const roles = options.roles.map((role) => html`<span class="badge">${t(`roles.${role}`)}</span>`).join(' ')
  const body = html`<h1>${t('dashboard.title', { name: options.name })}</h1>
<p>${t('dashboard.roles')} !${roles || html`${t('dashboard.noRoles')}`}</p>
!${firstSteps(ctx, options.steps)}
<p>${t('dashboard.intro')}</p>`
  return layout(ctx, { title: t('nav.dashboard'), body })
}
