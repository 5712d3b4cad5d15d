/** What the chronicle's staff pages share: localised texts, dates and values shown as text. */
import type { PageContext } from '../../../platform/html/layout.ts'
import { formatNumber } from '../../../platform/i18n.ts'
import { type Term, termLabel } from '../../../platform/vocabularies/terms.ts'
import type { SourceSnapshot } from '../queries/event-record.ts'

/** A date as its precision allows: 2022-03-06, 2022-03, 2022, or "unknown". */
export function staffDateText(ctx: PageContext, date: string | null, precision: string): string {
  if (!date || precision === 'unknown') return ctx.t('chronicle.staff.dateUnknown')
  if (precision === 'month') return date.slice(0, 7)
  if (precision === 'year') return date.slice(0, 4)
  return date
}

/** A source in one line. */
export function sourceText(ctx: PageContext, source: SourceSnapshot): string {
  const parts = [
    source.publisher,
    source.url,
    source.description,
    source.published_on,
    ctx.t(`chronicle.staff.reliability.${source.reliability}`),
  ].filter(Boolean)
  return parts.join(' · ')
}

/** The name, in the page's language, of a term an event's field holds by code (its type or region). */
export type TermNames = (field: 'type' | 'region' | 'country', code: string) => string | undefined

/** Names for `terms` (every status: a history may hold a term rejected since), in the page's language. */
export function termNames(ctx: PageContext, terms: Iterable<Term>): TermNames {
  const names = new Map<string, string>()
  for (const term of terms) {
    const field =
      term.vocabulary === 'event_type'
        ? 'type'
        : term.vocabulary === 'region' || term.vocabulary === 'country'
          ? term.vocabulary
          : null
    if (field) names.set(`${field}:${term.code}`, termLabel(term, ctx.locale))
  }
  return (field, code) => names.get(`${field}:${code}`)
}

/**
 * A recorded value of any field, as text for the history, compare and conflict pages: a type or
 * region by its name (its code only if no term has it).
 */
export function valueText(ctx: PageContext, field: string, value: unknown, names?: TermNames): string {
  const { t } = ctx
  if (value === null || value === undefined || value === '') return '—'
  if ((field === 'type' || field === 'region' || field === 'country') && typeof value === 'string')
    return names?.(field, value) ?? value
  if (field === 'sources' && Array.isArray(value))
    return value.length ? value.map((source) => sourceText(ctx, source as SourceSnapshot)).join(' ; ') : '—'
  if (typeof value === 'boolean') return t(value ? 'chronicle.staff.yes' : 'chronicle.staff.no')
  if (typeof value === 'number') return formatNumber(value, ctx.locale)
  if (field.endsWith('_precision') && field !== 'coord_precision')
    return t(`chronicle.staff.precision.${value}`)
  if (field === 'coord_precision') return t(`chronicle.staff.coordPrecision.${value}`)
  if (field === 'status') return t(`chronicle.staff.status.${value}`)
  if (field === 'authorised') return t(`chronicle.staff.authorised.${value}`)
  if (field.endsWith('_qualifier')) return t(`chronicle.staff.countQualifier.${value}`)
  return String(value)
}
