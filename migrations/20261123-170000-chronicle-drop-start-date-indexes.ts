import { type Kysely, sql } from 'kysely'

// Public reads order and filter by public_date (and find undated events by it), which has indexes
// of its own; these three on start_date no longer serve any query, and each costs every write.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX chronicle_events_public;
    DROP INDEX chronicle_events_region;
    DROP INDEX chronicle_events_type;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX chronicle_events_public ON chronicle_events (start_date DESC, id DESC) WHERE published_at IS NOT NULL;
    CREATE INDEX chronicle_events_region ON chronicle_events (region_id, start_date DESC, id DESC)
      WHERE published_at IS NOT NULL;
    CREATE INDEX chronicle_events_type ON chronicle_events (type_id, start_date DESC, id DESC)
      WHERE published_at IS NOT NULL;
  `.execute(db)
}
