/**
 * A background job's progress, the same on every page that follows one (an import, an export, a key
 * rotation): a status line that screen readers announce, a labelled bar, and the means to see it move
 * without a script. A page that reloads itself unasked takes the reader's place and voice away (WCAG
 * 2.2.1), so it reloads only when the reader chose to follow the job (`?follow=1`: a meta refresh, see
 * `refreshFor`); otherwise a link reloads it once. It shows what the job's row says, so any app node
 * can serve it.
 */
import { html } from 'ghtml'
import type { PageContext } from './layout.ts'

/** How often the page of a job its reader follows reloads itself. */
export const PROGRESS_REFRESH_SECONDS = 5

/** Whether the reader asked the page to follow its job (`?follow=1`), from the request's query. */
export function followsJob(query: unknown): boolean {
  return typeof query === 'object' && query !== null && (query as Record<string, unknown>).follow === '1'
}

/** The layout option that reloads the page while its job runs, when its reader follows it. */
export function refreshFor(running: boolean, following: boolean): { refreshSeconds?: number } {
  return running && following ? { refreshSeconds: PROGRESS_REFRESH_SECONDS } : {}
}

/** Under a running job: reload now and follow it, or stop following. */
export function progressControls(ctx: PageContext, following: boolean): string {
  const { t, path } = ctx
  return following
    ? html`<p class="actions"><span>${t('progress.following', { seconds: PROGRESS_REFRESH_SECONDS })}</span><a href="${path}">${t('progress.stop')}</a></p>`
    : html`<p class="actions"><a class="button secondary" href="${path}">${t('progress.reload')}</a><a href="${path}?follow=1">${t('progress.follow', { seconds: PROGRESS_REFRESH_SECONDS })}</a></p>`
}

/** What a progress section shows: `done` of `total` (a percentage is 0–100 of 100). */
export type Progress = {
  /** The sentence that says where the job stands, e.g. "1,200 of 5,000 rows written". */
  status: string
  /** The bar's accessible name. */
  label: string
  done: number
  total: number
  /** A last line under the bar: what the reader may do meanwhile. */
  hint?: string
}

/** The status line and bar of a running job. */
export function jobProgress(progress: Progress): string {
  const max = Math.max(progress.total, 1)
  const value = Math.min(Math.max(progress.done, 0), max)
  const percent = Math.floor((value / max) * 100)
  return html`<p role="status">${progress.status}</p>
<p><progress max="${max}" value="${value}" aria-label="${progress.label}">${percent}%</progress></p>
!${progress.hint ? html`<p class="hint">${progress.hint}</p>` : ''}`
}
