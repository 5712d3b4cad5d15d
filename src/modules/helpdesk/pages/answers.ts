/** What a writer sent, as a list of the answers given: for the writer's own page and the desk's. */
import { html } from 'ghtml'
import type { PageContext } from '../../../platform/html/layout.ts'
import { type Locale, localeNames } from '../../../platform/i18n.ts'

// Lists whose items are codes, by the field that holds them: where each item's words are.
const listItems: Record<string, string> = { needs: 'helpdesk.needs', flags: 'helpdesk.flags' }
// Fields whose label is not `helpdesk.form.<name>`: the flags' form label asks to tick them.
const labels: Record<string, string> = { flags: 'helpdesk.desk.flag' }

/**
 * The answers as <dt>/<dd> pairs, leaving out the unanswered ones and those named in `hide`. A box
 * left unticked shows as "no" only with `showNo` (the desk wants to see consent refused). The region
 * is stored as its code and shown by its name in `regions` (code → name in the page's language).
 */
export function answerRows(
  ctx: PageContext,
  content: Record<string, unknown>,
  options: { hide: string[]; showNo: boolean; regions?: ReadonlyMap<string, string> },
): string {
  const { t } = ctx
  return Object.entries(content)
    .filter(
      ([name, answer]) =>
        !['form', ...options.hide].includes(name) &&
        answer !== '' &&
        answer !== 0 &&
        answer !== undefined &&
        (options.showNo || answer !== false) &&
        !(Array.isArray(answer) && !answer.length),
    )
    .map(([name, answer]) => {
      const shown = Array.isArray(answer)
        ? answer.map((item) => t(`${listItems[name] ?? 'helpdesk.needs'}.${item}`)).join(', ')
        : typeof answer === 'boolean'
          ? t(answer ? 'helpdesk.desk.yes' : 'helpdesk.desk.no')
          : name === 'category'
            ? t(`helpdesk.categories.${answer}`)
            : name === 'consentBy'
              ? t(`helpdesk.consentBy.${answer}`)
              : name === 'locale'
                ? (localeNames[answer as Locale] ?? String(answer))
                : name === 'region'
                  ? (options.regions?.get(String(answer)) ?? t('helpdesk.desk.unknownRegion'))
                  : String(answer)
      return html`<dt>${t(labels[name] ?? `helpdesk.form.${name}`)}</dt><dd class="text">${shown}</dd>`
    })
    .join('')
}
