/** Saving a reply template; audited. */
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'
import type { TemplateForm } from '../schema.ts'
import { templateTexts } from './add-template.ts'

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
      .set({ code: form.code, ...templateTexts(form), updated_at: new Date() })
      .where('id', '=', id)
      .execute()
    await audit(trx, { actorId, action: 'helpdesk.template_saved', target: String(id) })
    return true
  })
}
