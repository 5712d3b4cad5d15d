/**
 * Reply templates: a title and a text in each of ru, en and uk, chosen on a report's page and filled
 * in in the writer's language. Admins and coordinators edit them at /staff/helpdesk/templates; every
 * change is audited.
 */
import type { Db } from '../../../platform/db/database.ts'
import { type Locale, locales } from '../../../platform/i18n.ts'

/** A template as the editor shows it. */
export type Template = {
  id: number
  code: string
  titles: Partial<Record<Locale, string>>
  bodies: Partial<Record<Locale, string>>
}

const templateColumns = ['id', 'code', 'titles', 'bodies'] as const

/** Every template, in the order the report page lists them. */
export async function listTemplates(db: Db): Promise<Template[]> {
  return db.selectFrom('helpdesk_templates').select(templateColumns).orderBy('id').execute()
}

/** One template, or undefined. */
export async function findTemplate(db: Db, id: number): Promise<Template | undefined> {
  return db.selectFrom('helpdesk_templates').select(templateColumns).where('id', '=', id).executeTakeFirst()
}

/** `texts` in the first of `preferred` it has, else in any language it has ('' when empty). */
export function inLanguage(texts: Template['titles'], preferred: Locale[]): string {
  for (const locale of [...preferred, ...locales]) if (texts[locale]) return texts[locale]
  return ''
}
