/** Tables for every page: wide ones scroll sideways in a box the keyboard can reach. */
import { html } from 'ghtml'

/**
 * A table in a box that scrolls sideways when the screen is too narrow for it. The box takes keyboard
 * focus, so it can be scrolled without a mouse (axe: scrollable-region-focusable), and is named by the
 * caption; `id` names the caption and must be unique on the page. `rows` is the table's inside after
 * the caption: its thead, tbody and tfoot. A `compact` table fits more rows on a screen (work queues);
 * its header row stays in view while the box scrolls, and numbers go in `td.num` cells. With `cards`
 * each row becomes a card on a phone: give every `td` a `data-label` naming its column.
 */
export function scrollingTable(
  id: string,
  caption: string,
  rows: string,
  options: { compact?: boolean; cards?: boolean } = {},
): string {
  const classes = [options.compact ? 'compact' : '', options.cards ? 'as-cards' : '']
    .filter(Boolean)
    .join(' ')
  return html`<div class="table-wrap" role="region" tabindex="0" aria-labelledby="${id}">!${classes ? html`<table class="${classes}">` : '<table>'}<caption id="${id}">${caption}</caption>
!${rows}</table></div>`
}
