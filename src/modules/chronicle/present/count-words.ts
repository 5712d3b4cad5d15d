/** A count in words with how it is known: "1,200", "at least 1,000", "about 200", in the reader's language. */
import { formatNumber, type Locale, type T } from '../../../platform/i18n.ts'
import type { CountQualifier } from '../schema/event-fields.ts'

/** The count as a reader should take it; a lower bound or an estimate never reads as a figure. */
export function countInWords(t: T, locale: Locale, value: number, qualifier: CountQualifier | null): string {
  const n = formatNumber(value, locale)
  return qualifier === null || qualifier === 'exact' ? n : t(`chronicle.public.count.${qualifier}`, { n })
}
