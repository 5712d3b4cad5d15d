/**
 * The import mappings one can choose: those saved by staff, and the examples shipped with Lifeline
 * (data/*-mapping.json). Saving one is commands/import/mapping.ts's.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import type { Db } from '../../../platform/db/database.ts'
import { type Mapping, mappingSchema, parseMappingText } from '../commands/import/mapping.ts'

const bundledFolder = new URL('../data/', import.meta.url)

/** The example mappings shipped with Lifeline (../data/*-mapping.json), by name. */
export function bundledMappings(): Mapping[] {
  if (!existsSync(bundledFolder)) return []
  return readdirSync(bundledFolder)
    .filter((file) => file.endsWith('-mapping.json'))
    .sort()
    .map((file) => parseMappingText(readFileSync(new URL(file, bundledFolder), 'utf8')))
}

/** Every mapping one can choose: saved ones first, then bundled examples not overridden by a saved one. */
export async function listMappings(db: Db): Promise<Mapping[]> {
  const saved = await db.selectFrom('chronicle_mappings').select(['mapping']).orderBy('name').execute()
  const mappings = saved.flatMap((row) => {
    const parsed = mappingSchema.safeParse(row.mapping)
    return parsed.success ? [parsed.data] : []
  })
  const names = new Set(mappings.map((mapping) => mapping.name))
  return [...mappings, ...bundledMappings().filter((mapping) => !names.has(mapping.name))]
}

/** A mapping by name (saved, else bundled), or null. */
export async function findMapping(db: Db, wanted: string): Promise<Mapping | null> {
  return (await listMappings(db)).find((mapping) => mapping.name === wanted) ?? null
}
