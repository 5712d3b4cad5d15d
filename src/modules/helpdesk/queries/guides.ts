/**
 * The help desk's texts staff edit (platform/texts): two public guides with pages of their own, and
 * two blocks the operator sets that writers see where they could otherwise be left with nothing (after
 * sending, and when no desk can take a report). Seeded by migrations/20261209-110000-helpdesk-guides.ts.
 */
import { z } from 'zod'
import type { Db } from '../../../platform/db/database.ts'
import { type EditableText, findTexts } from '../../../platform/texts/texts.ts'

/** The desk's texts by their short name, in the order staff see them. */
export const deskTextNames = ['rights', 'relatives', 'contacts', 'replyTime'] as const
/** One of `deskTextNames`. */
export type DeskTextName = (typeof deskTextNames)[number]
/** The texts with a public page of their own, at /help/<name>. */
export const guideNames = ['rights', 'relatives'] as const satisfies readonly DeskTextName[]
/** One of `guideNames`. */
export type GuideName = (typeof guideNames)[number]

/** A text's key in platform/texts: `helpdesk.rights`. */
export const deskTextKey = (name: DeskTextName) => `helpdesk.${name}`

/** A desk text in the path; any other name is not found. */
export const deskTextParams = z.object({ name: z.enum(deskTextNames) })

/** Every desk text that exists, with its short name, in `deskTextNames` order. */
export async function listDeskTexts(db: Db): Promise<{ name: DeskTextName; text: EditableText }[]> {
  const found = await findTexts(db, deskTextNames.map(deskTextKey))
  return deskTextNames.flatMap((name) => {
    const text = found.get(deskTextKey(name))
    return text ? [{ name, text }] : []
  })
}

/** The blocks a writer sees after sending or when no desk can take a report (missing when not there). */
export type DeskBlocks = { replyTime: EditableText | undefined; contacts: EditableText | undefined }

/** Reads the two blocks. */
export async function deskBlocks(db: Db): Promise<DeskBlocks> {
  const found = await findTexts(db, [deskTextKey('replyTime'), deskTextKey('contacts')])
  return { replyTime: found.get(deskTextKey('replyTime')), contacts: found.get(deskTextKey('contacts')) }
}
