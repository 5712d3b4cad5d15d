import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// The reply templates as reviewed by a lawyer in December 2026: what to say and sign at the station
// with the articles behind it, appeal deadlines, and two new ones (a witness summons or a "talk", a
// military summons). A template still as first seeded is replaced; one a coordinator has edited is
// left as it is, and the new text is added beside it under `<code>-2026-12` to compare and adopt.
// Both files are frozen with their migrations.
type Template = { code: string; titles: Record<string, string>; bodies: Record<string, string> }
const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`./data/${name}`, import.meta.url), 'utf8')) as Template[]
const first = new Map(read('helpdesk-templates-2026-11.json').map((template) => [template.code, template]))
const reviewed = read('helpdesk-templates-2026-12.json')

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const template of reviewed) {
    const titles = JSON.stringify(template.titles)
    const bodies = JSON.stringify(template.bodies)
    const was = first.get(template.code)
    if (was) {
      const replaced =
        await sql`UPDATE helpdesk_templates SET titles = ${titles}::jsonb, bodies = ${bodies}::jsonb,
          updated_at = now()
        WHERE code = ${template.code} AND titles = ${JSON.stringify(was.titles)}::jsonb
          AND bodies = ${JSON.stringify(was.bodies)}::jsonb`.execute(db)
      if (replaced.numAffectedRows) continue
      // Edited since (or deleted): offer the new text beside the coordinator's own.
      const stillThere = await sql`SELECT 1 FROM helpdesk_templates WHERE code = ${template.code}`.execute(db)
      if (!stillThere.rows.length) continue
    }
    const code = was ? `${template.code}-2026-12` : template.code
    await sql`INSERT INTO helpdesk_templates (code, titles, bodies)
      VALUES (${code}, ${titles}::jsonb, ${bodies}::jsonb) ON CONFLICT (code) DO NOTHING`.execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const template of reviewed) {
    const was = first.get(template.code)
    const unchanged = sql`titles = ${JSON.stringify(template.titles)}::jsonb
      AND bodies = ${JSON.stringify(template.bodies)}::jsonb`
    if (!was) {
      await sql`DELETE FROM helpdesk_templates WHERE code = ${template.code} AND ${unchanged}`.execute(db)
      continue
    }
    await sql`DELETE FROM helpdesk_templates WHERE code = ${`${template.code}-2026-12`} AND ${unchanged}`.execute(
      db,
    )
    await sql`UPDATE helpdesk_templates SET titles = ${JSON.stringify(was.titles)}::jsonb,
        bodies = ${JSON.stringify(was.bodies)}::jsonb WHERE code = ${template.code} AND ${unchanged}`.execute(
      db,
    )
  }
}
