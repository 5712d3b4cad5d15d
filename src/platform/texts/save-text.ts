/**
 * Saving an editable text. The editor's form carries the version they opened; the save goes through
 * only while that is still the newest (the row is locked while checked, so of two saves over the same
 * version one waits and is then refused), and is refused as a conflict otherwise, the editor's words
 * handed back untouched. A save writes the new version, one history entry with the fields that
 * changed, and an audit entry, in one transaction.
 */
import { audit } from '../audit.ts'
import type { Db } from '../db/database.ts'
import { diffRecords } from '../history/versions.ts'
import { type EditableText, findText, type TextRecord, textFields, textParts, textRecord } from './texts.ts'

/** The audit action of a save. */
export const TEXT_SAVED = 'texts.saved'

/** What a save did: saved (with the new version, or the same one when nothing changed), or why not. */
export type SaveOutcome =
  | { outcome: 'saved'; version: number; changed: boolean }
  | { outcome: 'conflict'; current: EditableText }
  | { outcome: 'not-found' }

/** Saves `record` over version `baseVersion` of text `key`, as `actorId`. */
export async function saveText(
  db: Db,
  input: { key: string; baseVersion: number; record: TextRecord; actorId: string },
): Promise<SaveOutcome> {
  return db.transaction().execute(async (trx): Promise<SaveOutcome> => {
    const before = await trx
      .selectFrom('editable_texts')
      .select(['titles', 'bodies', 'version'])
      .where('key', '=', input.key)
      .forUpdate()
      .executeTakeFirst()
    if (!before) return { outcome: 'not-found' }
    if (before.version !== input.baseVersion) {
      const current = await findText(trx, input.key)
      return current ? { outcome: 'conflict', current } : { outcome: 'not-found' }
    }
    const changes = diffRecords(textFields, textRecord(before), input.record)
    const fields = Object.keys(changes)
    // Saving what is already there makes no version: the history lists only real changes.
    if (!fields.length) return { outcome: 'saved', version: before.version, changed: false }
    const version = before.version + 1
    const { titles, bodies } = textParts(input.record)
    await trx
      .updateTable('editable_texts')
      .set({
        titles: JSON.stringify(titles),
        bodies: JSON.stringify(bodies),
        version,
        updated_by: input.actorId,
        updated_at: new Date(),
      })
      .where('key', '=', input.key)
      .execute()
    await trx
      .insertInto('editable_text_history')
      .values({ text_key: input.key, version, changed_by: input.actorId, changes: JSON.stringify(changes) })
      .execute()
    await audit(trx, {
      actorId: input.actorId,
      action: TEXT_SAVED,
      target: input.key,
      detail: { version, fields },
    })
    return { outcome: 'saved', version, changed: true }
  })
}

/**
 * Adds text `key` with `record` as its first version, unless a text of that key exists (then nothing
 * changes: staff edits are never overwritten by a seed). True when it was added.
 */
export async function seedText(db: Db, key: string, record: TextRecord): Promise<boolean> {
  const { titles, bodies } = textParts(record)
  const added = await db
    .insertInto('editable_texts')
    .values({ key, titles: JSON.stringify(titles), bodies: JSON.stringify(bodies), updated_by: null })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .returning('version')
    .executeTakeFirst()
  if (!added) return false
  const changes = diffRecords(textFields, textRecord({ titles: {}, bodies: {} }), record)
  await db
    .insertInto('editable_text_history')
    .values({ text_key: key, version: added.version, changed_by: null, changes: JSON.stringify(changes) })
    .execute()
  return true
}
