import { type Kysely, sql } from 'kysely'

// An export names each person and case by a key (their public page's id), so that a re-import of the
// file makes one person of every act that shares a key, and a second re-import updates that person
// instead of adding another. The key is kept, with the file's source, as events keep theirs.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE chronicle_persons ADD COLUMN external_source text, ADD COLUMN external_id text;
    ALTER TABLE chronicle_cases ADD COLUMN external_source text, ADD COLUMN external_id text;
    CREATE UNIQUE INDEX chronicle_persons_external ON chronicle_persons (external_source, external_id)
      WHERE external_id IS NOT NULL;
    CREATE UNIQUE INDEX chronicle_cases_external ON chronicle_cases (external_source, external_id)
      WHERE external_id IS NOT NULL;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE chronicle_persons DROP COLUMN external_source, DROP COLUMN external_id;
    ALTER TABLE chronicle_cases DROP COLUMN external_source, DROP COLUMN external_id;
  `.execute(db)
}
