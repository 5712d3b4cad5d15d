/**
 * Regions as the help desk takes them: terms of the chronicle's region vocabulary, by code (the public
 * forms) or by id (desk set-up).
 */
import type { Db } from '../../../platform/db/database.ts'

/**
 * A lookup of approved regions by code: the id, null for no code, undefined for a code that is no
 * approved region. Ids are kept once read (a term is never renamed); an unknown code is looked up again
 * (it may have been approved since).
 */
export function regionIdsByCode(db: Db): (code: string) => Promise<number | null | undefined> {
  const known = new Map<string, number>()
  return async (code) => {
    if (!code) return null
    const id = known.get(code)
    if (id !== undefined) return id
    const row = await db
      .selectFrom('vocab_terms')
      .select('id')
      .where('vocabulary', '=', 'region')
      .where('code', '=', code)
      .where('status', '=', 'approved')
      .executeTakeFirst()
    if (row) known.set(code, row.id)
    return row ? row.id : undefined
  }
}

/** `ids` once each if every one is a term of the region vocabulary; not ok otherwise. */
export async function knownRegions(
  db: Db,
  ids: number[],
): Promise<{ ok: true; ids: number[] } | { ok: false }> {
  if (!ids.length) return { ok: true, ids }
  const rows = await db
    .selectFrom('vocab_terms')
    .select('id')
    .where('vocabulary', '=', 'region')
    .where('id', 'in', ids)
    .execute()
  return rows.length === new Set(ids).size ? { ok: true, ids: [...new Set(ids)] } : { ok: false }
}
