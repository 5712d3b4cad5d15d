/** Adding a reply template; audited. */
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'
import { type Locale, locales } from '../../../platform/i18n.ts'
import type { TemplateForm } from '../schema.ts'

/** A filled-in template form's titles and texts as stored (JSON by language, the filled-in ones only). */
export function templateTexts(form: TemplateForm) {
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

/** Adds a template; false when its code is taken. */
export async function addTemplate(db: Db, form: TemplateForm, actorId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const added = await trx
      .insertInto('helpdesk_templates')
      .values({ code: form.code, ...templateTexts(form) })
      .onConflict((oc) => oc.column('code').doNothing())
      .returning('id')
      .executeTakeFirst()
    if (added) await audit(trx, { actorId, action: 'helpdesk.template_added', target: String(added.id) })
    return added !== undefined
  })
}
