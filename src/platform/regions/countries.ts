/**
 * Countries (the `country` vocabulary, ISO 3166-1 alpha-2) and the regions under them: which country
 * a region belongs to, and the order a country select lists them in. See the countries migration.
 */
import type { Db } from '../db/database.ts'
import type { Locale } from '../i18n.ts'
import { listTerms, termIndex } from '../vocabularies/queries.ts'
import { type Term, type TermExtra, termLabel } from '../vocabularies/terms.ts'

/** The countries most of the chronicle's events happen in, listed first, in this order. */
export const firstCountries = ['RU', 'BY', 'UA', 'GE'] as const

/**
 * The country code of a region: its `extra.country`, else the prefix of its ISO 3166-2 code; null
 * for a region coded otherwise (a proposed term with a made-up code).
 */
export function regionCountry(region: { code: string; extra?: TermExtra }): string | null {
  const stored = region.extra?.country
  if (typeof stored === 'string' && stored) return stored
  return /^[A-Z]{2}-/.test(region.code) ? region.code.slice(0, 2) : null
}

/** Approved countries: Russia, Belarus, Ukraine, Georgia first, then the rest by label in `locale`. */
export async function listCountries(db: Db, locale: Locale): Promise<Term[]> {
  const all = await listTerms(db, 'country', locale)
  const rank = (code: string) => {
    const at = (firstCountries as readonly string[]).indexOf(code)
    return at === -1 ? firstCountries.length : at
  }
  // listTerms sorts by label; a stable sort by rank keeps that order within the rest.
  return all.sort((a, b) => rank(a.code) - rank(b.code))
}

/** Approved countries as a select's options (value: the code), in `listCountries`' order. */
export async function countryOptions(db: Db, locale: Locale): Promise<{ value: string; label: string }[]> {
  return (await listCountries(db, locale)).map((term) => ({
    value: term.code,
    label: termLabel(term, locale),
  }))
}

/** The id of the approved country a region belongs to, or null (see `regionCountry`). */
export async function regionCountryId(db: Db, regionId: number): Promise<number | null> {
  const index = await termIndex(db)
  const region = index.byId.get(regionId)
  const code = region ? regionCountry(region) : null
  return code ? (index.id('country', code) ?? null) : null
}
