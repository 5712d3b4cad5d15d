import { type Kysely, sql } from 'kysely'

// A charge names a part of an article ("ч. 1 ст. 318 УК") and sometimes a paragraph ("п. «а»"); the
// vocabulary has terms for a few parts only (koap-20.2.5), so the others are kept beside the article
// rather than dropped. Nullable columns with no default: adding them rewrites no row.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE chronicle_case_articles ADD COLUMN part text, ADD COLUMN paragraph text`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE chronicle_case_articles DROP COLUMN part, DROP COLUMN paragraph`.execute(db)
}
