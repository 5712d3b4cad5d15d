/**
 * Countries as files write them: an ISO 3166-1 code in any case ("BY", "by"), or a name in Russian,
 * Ukrainian or English as the vocabulary labels it (from CLDR), or a common other spelling
 * ("Белоруссия", "USA"). And a region's country, for a row that names only its region.
 */
import { regionCountry } from '../../../../platform/regions/countries.ts'
import type { Term } from '../../../../platform/vocabularies/terms.ts'
import { lookupValue, specValue } from './cells.ts'
import type { RowContext } from './convert.ts'

// Other names files use for countries the chronicle's events happen in, by code. CLDR gives one
// name per language; these are the ones news reports also write.
const aliases: Record<string, string[]> = {
  BY: ['Белоруссия', 'Республика Беларусь', 'Byelorussia', 'Republic of Belarus', 'Білорусія'],
  MD: ['Молдавия', 'Republic of Moldova'],
  KG: ['Киргизия', 'Kirghizia'],
  GB: ['UK', 'Great Britain', 'Britain', 'Англия', 'England'],
  US: ['USA', 'United States of America', 'США'],
  DE: ['ФРГ'],
  CZ: ['Czech Republic', 'Чехия'],
  TR: ['Turkey', 'Турция'],
  AE: ['UAE', 'ОАЭ'],
  NL: ['Holland', 'Голландия'],
}

// Case, ё and punctuation aside, so "Беларусь", "беларусь." and "БЕЛАРУСЬ" are one name.
const key = (name: string) =>
  name
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()

/** Finds an approved country's id by code or by any of its names; undefined for none. */
export type CountryFinder = (name: string) => number | undefined

/** The countries among `terms`, findable by code and by name in any language. */
export function countryNameIndex(terms: readonly Term[]): CountryFinder {
  const found = new Map<string, number>()
  for (const term of terms) {
    if (term.vocabulary !== 'country' || term.status !== 'approved') continue
    const names = [term.code, ...Object.values(term.labels), ...(aliases[term.code] ?? [])]
    for (const name of names) if (name) found.set(key(name), term.id)
  }
  return (name) => found.get(key(name))
}

/** The id of the country each region belongs to (by its ISO 3166-2 prefix or `extra.country`). */
export function regionCountryIndex(terms: readonly Term[]): (regionId: number) => number | null {
  const countries = new Map(
    terms.filter((term) => term.vocabulary === 'country').map((term) => [term.code, term.id]),
  )
  const byRegion = new Map<number, number>()
  for (const term of terms) {
    if (term.vocabulary !== 'region') continue
    const country = countries.get(regionCountry(term) ?? '')
    if (country !== undefined) byRegion.set(term.id, country)
  }
  return (regionId) => byRegion.get(regionId) ?? null
}

/**
 * A row's country id. Named in the row (code or name, after the value map): it must be its region's,
 * if a region is given. Not named: the region's; and when the mapping has no country at all (a file
 * from before countries), Russia for a row with a place, as the chronicle had no other country.
 */
export function importCountry(ctx: RowContext, regionId: number | null, placed: boolean): number | null {
  const spec = ctx.mapping.fields.country
  const ofRegion = regionId === null ? null : (ctx.terms.regionCountry?.(regionId) ?? null)
  const raw = spec ? specValue(spec, ctx.cells) : ''
  const mapped = spec ? lookupValue(spec.values, raw) : undefined
  if (!raw || mapped === null) {
    if (ofRegion !== null || spec) return ofRegion
    return placed ? (ctx.terms.country?.('RU') ?? null) : null
  }
  const id = ctx.terms.country?.(typeof mapped === 'string' ? mapped : raw)
  if (id === undefined) {
    ctx.fail('country', 'chronicle.import.error.unknownCountry', raw)
    return null
  }
  if (ofRegion !== null && id !== ofRegion) {
    ctx.fail('region', 'chronicle.import.error.regionNotInCountry', raw)
    return null
  }
  return id
}
