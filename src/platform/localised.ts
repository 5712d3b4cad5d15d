/**
 * Texts written in several languages (a title, a term's label, a template): the type every module
 * stores them as, and the one order in which a reader's language falls back to the others.
 */
import type { Locale } from './i18n.ts'

/** A text per language: { ru?, en?, uk? }. */
export type Localised = Partial<Record<Locale, string>>

// The fallback order after the reader's own language: Russian first, as most records are written in it.
const fallbackOrder: readonly Locale[] = ['ru', 'en', 'uk']

/** The languages to try, the reader's first, then Russian, English and Ukrainian. */
export function languageOrder(locale?: Locale): Locale[] {
  return locale ? [locale, ...fallbackOrder.filter((lang) => lang !== locale)] : [...fallbackOrder]
}

/** The text in the reader's language, else in the first language it has, with that language; null if none. */
export function pickText(
  text: Localised | null | undefined,
  locale?: Locale,
): { text: string; lang: Locale } | null {
  for (const lang of languageOrder(locale)) {
    const value = text?.[lang]
    if (value) return { text: value, lang }
  }
  return null
}

/** The text in the reader's language, else in the first language it has; '' when it has none. */
export function localisedText(text: Localised | null | undefined, locale?: Locale): string {
  return pickText(text, locale)?.text ?? ''
}
