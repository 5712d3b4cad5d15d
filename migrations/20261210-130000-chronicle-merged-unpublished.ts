import { type Kysely, sql } from 'kysely'

// An event merged into another stays out of every public output: the public reads all ask for
// published_at, and the merge clears it. This makes that a rule of the table rather than of the merge
// command alone, so no later path (a publish, an import, a restore) can put a merged event back in the
// lists, feeds, exports, statistics or API. Added NOT VALID, then validated: the check reads the table
// once without holding writers off for the whole scan.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE chronicle_events ADD CONSTRAINT chronicle_events_merged_unpublished
    CHECK (merged_into IS NULL OR published_at IS NULL) NOT VALID`.execute(db)
  await sql`ALTER TABLE chronicle_events VALIDATE CONSTRAINT chronicle_events_merged_unpublished`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE chronicle_events DROP CONSTRAINT chronicle_events_merged_unpublished`.execute(db)
}
