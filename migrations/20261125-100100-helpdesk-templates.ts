import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// The help desk's first reply templates, in Russian, Ukrainian and English. The file is frozen with
// this migration: later changes are made by coordinators, or by a new migration with a new file.
const templates = JSON.parse(
  readFileSync(new URL('./data/helpdesk-templates-2026-11.json', import.meta.url), 'utf8'),
) as { code: string; titles: Record<string, string>; bodies: Record<string, string> }[]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const template of templates) {
    await sql`INSERT INTO helpdesk_templates (code, titles, bodies)
      VALUES (${template.code}, ${JSON.stringify(template.titles)}::jsonb, ${JSON.stringify(template.bodies)}::jsonb)
      ON CONFLICT (code) DO NOTHING`.execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM helpdesk_templates WHERE code = ANY(${templates.map((template) => template.code)})`.execute(
    db,
  )
}
