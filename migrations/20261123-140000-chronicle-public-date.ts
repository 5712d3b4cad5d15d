import { type Kysely, sql } from 'kysely'

// The date the public may see: a sensitive event's day is blurred to the 1st of its month. Public
// lists order and filter by it, so neither position nor a cursor gives the real day away, and the
// indexes keep that fast at a million events.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE chronicle_events ADD COLUMN public_date date GENERATED ALWAYS AS (
      CASE WHEN sensitive AND start_precision = 'day'
        THEN start_date - (extract(day FROM start_date)::int - 1) ELSE start_date END
    ) STORED;
    CREATE INDEX chronicle_events_public_date ON chronicle_events (public_date DESC, id DESC) WHERE published_at IS NOT NULL;
    CREATE INDEX chronicle_events_region_public_date ON chronicle_events (region_id, public_date DESC, id DESC)
      WHERE published_at IS NOT NULL;
    CREATE INDEX chronicle_events_type_public_date ON chronicle_events (type_id, public_date DESC, id DESC)
      WHERE published_at IS NOT NULL;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE chronicle_events DROP COLUMN public_date`.execute(db)
}
