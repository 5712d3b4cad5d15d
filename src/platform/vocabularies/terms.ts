/**
 * Controlled vocabularies (event types, act types, regions, articles): what a term is and how it reads.
 * Terms grow only by approval, never silently on import (commands.ts); every module reads them
 * through queries.ts.
 */
import { type Locale, translator } from '../i18n.ts'
import { type Localised, localisedText } from '../localised.ts'

/** The vocabularies, in the order staff pages list them. */
export const vocabularies = ['event_type', 'act_type', 'region', 'article', 'country'] as const
/** One of `vocabularies`. */
export type Vocabulary = (typeof vocabularies)[number]
/** Where a term stands: usable (approved), waiting for review (proposed), or turned down. */
export type TermStatus = 'approved' | 'proposed' | 'rejected'
/** Extra facts of a term: a region's ISO code and kind, an article's code and number. */
export type TermExtra = Record<string, string | number | boolean>

/** A vocabulary term. */
export type Term = {
  id: number
  vocabulary: Vocabulary
  code: string
  labels: Localised
  status: TermStatus
  extra: TermExtra
  proposedBy: string | null
  createdAt: Date
}

/**
 * The label of a term in `locale`, falling back to the other languages and then to its code. An
 * occupied territory says so wherever its name is shown ("Крым (оккупирован)"), agreeing in gender
 * with its name (`extra.gender`, the same in Russian and Ukrainian for every such region).
 */
export function termLabel(
  term: { code: string; labels: Localised; extra?: TermExtra },
  locale?: Locale,
): string {
  const label = localisedText(term.labels, locale) || term.code
  if (term.extra?.occupied !== true) return label
  const context = term.extra.gender === 'f' ? 'female' : undefined
  return translator(locale ?? 'ru')('places.occupied', { name: label, context })
}

/** Sorts terms by their label in `locale` the way a reader of that language expects (ё, є, і, ї). */
export function sortByLabel<T extends { code: string; labels: Localised }>(terms: T[], locale: Locale): T[] {
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true })
  return terms.sort((a, b) => collator.compare(termLabel(a, locale), termLabel(b, locale)))
}
