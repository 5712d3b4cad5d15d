/** Re-keying a desk's records: the desk page's section, the confirmation, and the progress page. */
import { html } from 'ghtml'
import type { RotationView } from '../../../platform/crypto/desk-rotation.ts'
import { csrfField, layout, type PageContext } from '../../../platform/html/layout.ts'
import { jobProgress, progressControls, refreshFor } from '../../../platform/html/progress.ts'
import type { Helpdesk } from '../queries/desks.ts'
import { deskBase } from './desk.ts'

const base = `${deskBase}/desks`

/** Where a desk's rotations are started and shown. */
export function rotationPaths(deskId: string) {
  return {
    start: `${base}/${deskId}/rotate`,
    progress: (rotationId: string) => `${base}/${deskId}/rotations/${rotationId}`,
  }
}

function lastLine(ctx: PageContext, deskId: string, latest: RotationView | null): string {
  if (!latest) return ''
  const { t } = ctx
  return html`<p>${t('helpdesk.rotation.last', { state: t(`helpdesk.rotation.state.${latest.state}`), done: latest.done, total: latest.total })}
<a href="${rotationPaths(deskId).progress(latest.id)}">${t('helpdesk.rotation.see')}</a></p>`
}

/** The desk page's section: what re-keying is for, and the way to the confirmation. */
export function rotationSection(ctx: PageContext, deskId: string, latest: RotationView | null): string {
  const { t } = ctx
  return html`<h2 id="rotate">${t('helpdesk.rotation.section')}</h2>
<p class="hint">${t('helpdesk.rotation.sectionHint')}</p>
!${lastLine(ctx, deskId, latest)}
<p><a class="button secondary" href="${rotationPaths(deskId).start}">${t('helpdesk.rotation.link')}</a></p>`
}

/** Asks before re-keying: what it does, what it can't do, and who can start it. */
export function confirmRotationPage(
  ctx: PageContext,
  view: { desk: Helpdesk; latest: RotationView | null; viewerIsMember: boolean },
): string {
  const { t } = ctx
  const paths = rotationPaths(view.desk.id)
  const running = view.latest?.state === 'running'
  const action = running
    ? html`<p>${t('helpdesk.rotation.running')} <a href="${paths.progress(view.latest!.id)}">${t('helpdesk.rotation.see')}</a></p>`
    : view.viewerIsMember
      ? html`<form method="post" action="${paths.start}">!${csrfField(ctx)}<button type="submit" class="danger">${t('helpdesk.rotation.start')}</button></form>`
      : html`<p>${t('helpdesk.rotation.notMember')}</p>`
  return layout(ctx, {
    title: t('helpdesk.rotation.title'),
    narrow: true,
    body: html`<h1>${t('helpdesk.rotation.title')}</h1>
<p>${t('helpdesk.rotation.intro')}</p>
<p>${t('helpdesk.rotation.limits')}</p>
<p>${t('helpdesk.rotation.how')}</p>
!${running ? '' : lastLine(ctx, view.desk.id, view.latest)}
!${action}
<p><a href="${base}/${view.desk.id}">${t('helpdesk.rotation.back')}</a></p>`,
  })
}

/**
 * A rotation's progress. While it runs the page reloads itself (a meta refresh: no script), so any
 * node can show it from the row alone; an interrupted one offers to carry on.
 */
export function rotationPage(
  ctx: PageContext,
  view: { desk: Helpdesk; rotation: RotationView; viewerIsMember: boolean },
  following = false,
): string {
  const { t } = ctx
  const { rotation } = view
  const paths = rotationPaths(view.desk.id)
  const counts = { done: rotation.done, total: rotation.total }
  const byState: Record<RotationView['state'], string> = {
    running: '',
    interrupted: html`<p>${t('helpdesk.rotation.interrupted')}</p>!${
      view.viewerIsMember
        ? html`<form method="post" action="${paths.start}">!${csrfField(ctx)}<button type="submit">${t('helpdesk.rotation.resume')}</button></form>`
        : html`<p>${t('helpdesk.rotation.notMember')}</p>`
    }`,
    finished: html`<p>${t('helpdesk.rotation.finished')}</p>`,
    stopped: html`<p>${t('helpdesk.rotation.stopped')}</p>`,
  }
  const unopened = rotation.unopened
    ? html`<p>${t('helpdesk.rotation.unopened', { count: rotation.unopened })}</p>`
    : ''
  return layout(ctx, {
    title: t('helpdesk.rotation.progressTitle', { desk: view.desk.name }),
    narrow: true,
    ...refreshFor(rotation.state === 'running', following),
    body: html`<h1>${t('helpdesk.rotation.progressTitle', { desk: view.desk.name })}</h1>
!${jobProgress({
      status: t('helpdesk.rotation.progress', counts),
      label: t('helpdesk.rotation.progressTitle', { desk: view.desk.name }),
      ...counts,
    })}
!${rotation.state === 'running' ? progressControls(ctx, following) : ''}
!${byState[rotation.state]}
!${unopened}
<p><a href="${base}/${view.desk.id}">${t('helpdesk.rotation.back')}</a></p>`,
  })
}
