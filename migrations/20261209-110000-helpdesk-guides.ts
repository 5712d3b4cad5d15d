import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// The help desk's texts staff edit (platform/texts): the public guides "Know your rights" and the
// relatives' checklist, and the two blocks shown where a writer could otherwise be left with nothing
// (where else to turn, how soon the desk answers). The file is frozen with this migration: a text is
// added only where its key doesn't exist yet, so staff edits are never overwritten; later wording
// comes from staff, or from a new migration with a new file.
const texts = JSON.parse(
  readFileSync(new URL('./data/helpdesk-guides-2026-12.json', import.meta.url), 'utf8'),
) as { key: string; titles: Record<string, string>; bodies: Record<string, string> }[]

const languages = ['ru', 'uk', 'en']

// The first history entry: every field filled in, from empty (as platform/history/versions.ts records it).
function firstChanges(text: (typeof texts)[number]): Record<string, { from: string; to: string }> {
  const changes: Record<string, { from: string; to: string }> = {}
  for (const language of languages) {
    const title = text.titles[language]
    const body = text.bodies[language]
    if (title) changes[`title_${language}`] = { from: '', to: title }
    if (body) changes[`body_${language}`] = { from: '', to: body }
  }
  return changes
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const text of texts) {
    await sql`WITH added AS (
        INSERT INTO editable_texts (key, titles, bodies)
        VALUES (${text.key}, ${JSON.stringify(text.titles)}::jsonb, ${JSON.stringify(text.bodies)}::jsonb)
        ON CONFLICT (key) DO NOTHING
        RETURNING key, version
      )
      INSERT INTO editable_text_history (text_key, version, changes)
      SELECT key, version, ${JSON.stringify(firstChanges(text))}::jsonb FROM added`.execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM editable_texts WHERE key = ANY(${texts.map((text) => text.key)})`.execute(db)
}
