/**
 * Reply templates: a title and a text in each of ru, en and uk, chosen on a report's page and filled
 * in in the writer's language. Admins and coordinators edit them at /staff/helpdesk/templates; every
 * change is audited.
 */
import { z } from 'zod'
import { audit } from '../../platform/audit.ts'
import type { Db } from '../../platform/db/database.ts'
import { type Locale, locales } from '../../platform/i18n.ts'
import { text } from '../../platform/validation.ts'

/** A template as the editor shows it. */
export type Template = {
  id: number
  code: string
  titles: Partial<Record<Locale, string>>
  bodies: Partial<Record<Locale, string>>
}

const title = text(120)
const body = text(4000, { multiline: true })

/**
 * A template form: its code and, per language, a title and a text. A language is filled in whole or
 * left empty; at least one must be filled in.
 */
export const templateSchema = z
  .object({
    code: text(40, { min: 1 }).pipe(
      z.string().regex(/^[a-z0-9][a-z0-9_-]{1,39}$/, 'helpdesk.templates.badCode'),
    ),
    title_ru: title,
    body_ru: body,
    title_en: title,
    body_en: body,
    title_uk: title,
    body_uk: body,
  })
  .superRefine((form, ctx) => {
    let filled = 0
    for (const locale of locales) {
      const [t, b] = [form[`title_${locale}`], form[`body_${locale}`]]
      if (t && b) filled += 1
      else if (t)
        ctx.addIssue({ code: 'custom', path: [`body_${locale}`], message: 'helpdesk.templates.needsBody' })
      else if (b)
        ctx.addIssue({ code: 'custom', path: [`title_${locale}`], message: 'helpdesk.templates.needsTitle' })
    }
    if (!filled) ctx.addIssue({ code: 'custom', path: ['title_ru'], message: 'helpdesk.templates.needsOne' })
  })

type TemplateForm = z.infer<typeof templateSchema>

function texts(form: TemplateForm) {
  const titles: Partial<Record<Locale, string>> = {}
  const bodies: Partial<Record<Locale, string>> = {}
  for (const locale of locales) {
    if (form[`title_${locale}`] && form[`body_${locale}`]) {
      titles[locale] = form[`title_${locale}`]
      bodies[locale] = form[`body_${locale}`]
    }
  }
  return { titles: JSON.stringify(titles), bodies: JSON.stringify(bodies) }
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

/** Adds a template; false when its code is taken. */
export async function addTemplate(db: Db, form: TemplateForm, actorId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const added = await trx
      .insertInto('helpdesk_templates')
      .values({ code: form.code, ...texts(form) })
      .onConflict((oc) => oc.column('code').doNothing())
      .returning('id')
      .executeTakeFirst()
    if (added) await audit(trx, { actorId, action: 'helpdesk.template_added', target: String(added.id) })
    return added !== undefined
  })
}

/** Saves a template; false when its new code is another template's. */
export async function saveTemplate(
  db: Db,
  id: number,
  form: TemplateForm,
  actorId: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('helpdesk_templates')
      .select('id')
      .where('code', '=', form.code)
      .where('id', '<>', id)
      .executeTakeFirst()
    if (taken) return false
    await trx
      .updateTable('helpdesk_templates')
      .set({ code: form.code, ...texts(form), updated_at: new Date() })
      .where('id', '=', id)
      .execute()
    await audit(trx, { actorId, action: 'helpdesk.template_saved', target: String(id) })
    return true
  })
}

/** Deletes a template. */
export async function deleteTemplate(db: Db, id: number, actorId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('helpdesk_templates').where('id', '=', id).execute()
    await audit(trx, { actorId, action: 'helpdesk.template_deleted', target: String(id) })
  })
}

/** `texts` in the first of `preferred` it has, else in any language it has ('' when empty). */
export function inLanguage(texts: Template['titles'], preferred: Locale[]): string {
  for (const locale of [...preferred, ...locales]) if (texts[locale]) return texts[locale]
  return ''
}
