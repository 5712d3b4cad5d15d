/** What the chronicle's staff pages share: localised texts, dates and values shown as text. */
import type { PageContext } from '../../../platform/html/layout.ts'
import { formatNumber } from '../../../platform/i18n.ts'
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

/** A recorded value of any field, as text for the history, compare and conflict pages. */
export function valueText(ctx: PageContext, field: string, value: unknown): string {
  const { t } = ctx
  if (value === null || value === undefined || value === '') return '—'
  if (field === 'sources' && Array.isArray(value))
    return value.length ? value.map((source) => sourceText(ctx, source as SourceSnapshot)).join(' ; ') : '—'
  if (typeof value === 'boolean') return t(value ? 'chronicle.staff.yes' : 'chronicle.staff.no')
  if (typeof value === 'number') return formatNumber(value, ctx.locale)
  if (field.endsWith('_precision') && field !== 'coord_precision')
    return t(`chronicle.staff.precision.${value}`)
  if (field === 'coord_precision') return t(`chronicle.staff.coordPrecision.${value}`)
  if (field === 'status') return t(`chronicle.staff.status.${value}`)
  if (field === 'authorised') return t(`chronicle.staff.authorised.${value}`)
  return String(value)
}
