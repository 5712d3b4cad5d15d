/**
 * Texts staff edit on the site, with their history: a key (`helpdesk.rights`, its owner first), and per
 * language a title and a Markdown body. Each save makes a new version and one history entry listing
 * the fields that changed (platform/history/versions.ts); pages read a text by its key, and an empty
 * text (all its bodies cleared) is one that shows nothing.
 */
import type { Db } from '../db/database.ts'
import * as versions from '../history/versions.ts'
import { type Locale, locales } from '../i18n.ts'
import { type Localised, pickText } from '../localised.ts'
import './tables.ts'

/** A text's fields as its history names them: a title and a body per language. */
export const textFields = locales.flatMap((locale) => [`title_${locale}`, `body_${locale}`] as const)
/** One of `textFields`. */
export type TextField = (typeof textFields)[number]
/** A text's fields, flat: what the edit form shows and the history compares. */
export type TextRecord = Record<TextField, string>

/** A text as stored. */
export type EditableText = {
  key: string
  titles: Localised
  bodies: Localised
  version: number
  updatedAt: Date
  updatedBy: string | null
  updatedByName: string | null
}

/** One version of a text in its history. */
export type TextHistoryEntry = versions.HistoryEntry<TextField>

/** A text's titles and bodies as one flat record ('' where a language has none). */
export function textRecord(text: Pick<EditableText, 'titles' | 'bodies'>): TextRecord {
  const record = {} as TextRecord
  for (const locale of locales) {
    record[`title_${locale}`] = text.titles[locale] ?? ''
    record[`body_${locale}`] = text.bodies[locale] ?? ''
  }
  return record
}

/** The titles and bodies of a flat record; an empty language is left out. */
export function textParts(record: TextRecord): { titles: Localised; bodies: Localised } {
  const titles: Localised = {}
  const bodies: Localised = {}
  for (const locale of locales) {
    if (record[`title_${locale}`]) titles[locale] = record[`title_${locale}`]
    if (record[`body_${locale}`]) bodies[locale] = record[`body_${locale}`]
  }
  return { titles, bodies }
}

function selectTexts(db: Db) {
  return db
    .selectFrom('editable_texts as x')
    .leftJoin('users as u', 'u.id', 'x.updated_by')
    .select(['x.key', 'x.titles', 'x.bodies', 'x.version', 'x.updated_at', 'x.updated_by', 'u.display_name'])
}

type Row = Awaited<ReturnType<ReturnType<typeof selectTexts>['execute']>>[number]
const fromRow = (row: Row): EditableText => ({
  key: row.key,
  titles: row.titles,
  bodies: row.bodies,
  version: row.version,
  updatedAt: row.updated_at,
  updatedBy: row.updated_by,
  updatedByName: row.display_name,
})

/** One text, or undefined. */
export async function findText(db: Db, key: string): Promise<EditableText | undefined> {
  const row = await selectTexts(db).where('x.key', '=', key).executeTakeFirst()
  return row && fromRow(row)
}

/** The texts of `keys`, by key (a key with no row is missing from the map). */
export async function findTexts(db: Db, keys: readonly string[]): Promise<Map<string, EditableText>> {
  if (!keys.length) return new Map()
  const rows = await selectTexts(db).where('x.key', 'in', keys).execute()
  return new Map(rows.map((row) => [row.key, fromRow(row)]))
}

/** Every version of a text, newest first. */
export async function textHistory(db: Db, key: string): Promise<TextHistoryEntry[]> {
  const rows = await db
    .selectFrom('editable_text_history as h')
    .leftJoin('users as u', 'u.id', 'h.changed_by')
    .select(['h.version', 'h.changed_at', 'h.changed_by', 'u.display_name', 'h.changes'])
    .where('h.text_key', '=', key)
    .orderBy('h.version', 'desc')
    .execute()
  return rows.map((row) => versions.historyEntry<TextField>(row))
}

/** What changed after `version`, field by field, and who changed it (for the conflict page). */
export function textChangesSince(history: TextHistoryEntry[], version: number) {
  return versions.changesSince(textFields, history, version)
}

/**
 * A text to show in the reader's language: its title and Markdown body, from the first language that
 * has a body (the reader's, then the others), with that language. Null when every body is empty:
 * the operator cleared it, and a page then shows nothing rather than an empty box.
 */
export function textToShow(
  text: Pick<EditableText, 'titles' | 'bodies'> | undefined,
  locale: Locale,
): { title: string; body: string; lang: Locale } | null {
  const body = pickText(text?.bodies, locale)
  if (!text || !body?.text.trim()) return null
  return { title: text.titles[body.lang] ?? '', body: body.text, lang: body.lang }
}
