import { type Kysely, sql } from 'kysely'

// The statement triggers that find which events' articles changed look acts up by case and by event.
// Inside one long import transaction the planner's statistics don't count the rows written so far
// (on native PostgreSQL autovacuum may even have recorded the tables as empty), so it chose to scan
// every act for each batch: a million-row import slowed to a crawl. As chronicle_refresh_article_ids
// already does, these functions now always use the indexes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER FUNCTION chronicle_acts_articles() SET enable_seqscan = off;
    ALTER FUNCTION chronicle_case_articles_changed() SET enable_seqscan = off;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER FUNCTION chronicle_acts_articles() RESET enable_seqscan;
    ALTER FUNCTION chronicle_case_articles_changed() RESET enable_seqscan;
  `.execute(db)
}
