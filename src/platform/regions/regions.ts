/**
 * Regions: the region vocabulary's approved terms as the modules show and check them (the help desk's
 * forms and counts, the chronicle's map; later prisoners and exit). Terms come from
 * vocabularies/queries.ts; the map's outlines are `regions-map.json` beside this file.
 */
import type { Db } from '../db/database.ts'
import type { Locale } from '../i18n.ts'
import { listTerms, termIndex } from '../vocabularies/queries.ts'
import { termLabel } from '../vocabularies/terms.ts'

/** Approved regions as a select's options, by label in `locale`; the value is the code or the id. */
export async function regionOptions(
  db: Db,
  locale: Locale,
  value: 'code' | 'id',
): Promise<{ value: string; label: string }[]> {
  return (await listTerms(db, 'region', locale)).map((term) => ({
    value: value === 'code' ? term.code : String(term.id),
    label: termLabel(term, locale),
  }))
}

/** Approved regions' labels in `locale` by id, in the order of the labels. */
export async function regionNames(db: Db, locale: Locale): Promise<Map<number, string>> {
  return new Map((await listTerms(db, 'region', locale)).map((term) => [term.id, termLabel(term, locale)]))
}

/** Approved regions' codes by id. */
export async function regionCodes(db: Db): Promise<Map<number, string>> {
  return new Map([...(await termIndex(db)).byCode.region.values()].map((term) => [term.id, term.code]))
}

/** The id of an approved region by its code: null for no code, undefined for a code that is none. */
export async function regionIdByCode(db: Db, code: string): Promise<number | null | undefined> {
  if (!code) return null
  return (await termIndex(db)).id('region', code)
}

/** `ids` without repeats if every one is a region term (whatever its status), else null. */
export async function knownRegionIds(db: Db, ids: number[]): Promise<number[] | null> {
  if (!ids.length) return ids
  const { byId } = await termIndex(db)
  return ids.every((id) => byId.get(id)?.vocabulary === 'region') ? [...new Set(ids)] : null
}
