import { type Kysely, sql } from 'kysely'

// Reports give counts as "1000+", "более 50", "около 200": a lower bound or an estimate, not a figure.
// Each count gets how it is known beside it, so "at least 1,000" is never shown or summed as exactly
// 1,000. The default is a constant ('exact', what every count so far was taken as), so adding the
// columns rewrites no row; the checks read each row once and all existing rows pass.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE chronicle_events
    ADD COLUMN participants_qualifier text NOT NULL DEFAULT 'exact'
      CONSTRAINT chronicle_events_participants_qualifier_known CHECK (participants_qualifier IN ('exact', 'at_least', 'about')),
    ADD COLUMN detained_qualifier text NOT NULL DEFAULT 'exact'
      CONSTRAINT chronicle_events_detained_qualifier_known CHECK (detained_qualifier IN ('exact', 'at_least', 'about'))`.execute(
    db,
  )
  // The statistics say how many counts are bounds or estimates: few rows are, and this index holds
  // only those, so the count reads them instead of every event.
  await sql`CREATE INDEX chronicle_events_detained_qualified ON chronicle_events (id)
    WHERE detained_qualifier <> 'exact'`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE chronicle_events DROP COLUMN participants_qualifier, DROP COLUMN detained_qualifier`.execute(
    db,
  )
}
