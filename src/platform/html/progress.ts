/**
 * A background job's progress, the same on every page that follows one (an import, an export, a key
 * rotation): a status line that screen readers announce, and a labelled bar. While the job runs its page
 * reloads itself (pass `refreshSeconds: PROGRESS_REFRESH_SECONDS` to layout: a meta refresh, no
 * script), and shows what the job's row says, so any app node can serve it.
 */
import { html } from 'ghtml'

/** How often a running job's page reloads itself. */
export const PROGRESS_REFRESH_SECONDS = 5

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
