/** Tables for every page: wide ones scroll sideways in a box the keyboard can reach. */
import { html } from 'ghtml'

/**
 * A table in a box that scrolls sideways when the screen is too narrow for it. The box takes keyboard
 * focus, so it can be scrolled without a mouse (axe: scrollable-region-focusable), and is named by the
 * caption; `id` names the caption and must be unique on the page. `rows` is the table's inside after
 * the caption: its thead, tbody and tfoot. A `compact` table fits more rows on a screen (work queues);
 * its header row stays in view while the box scrolls, and numbers go in `td.num` cells.
 */
export function scrollingTable(
  id: string,
  caption: string,
  rows: string,
  options: { compact?: boolean } = {},
): string {
  return html`<div class="table-wrap" role="region" tabindex="0" aria-labelledby="${id}">!${options.compact ? '<table class="compact">' : '<table>'}<caption id="${id}">${caption}</caption>
!${rows}</table></div>`
}
