import { type Kysely, sql } from 'kysely'

// Whether the writer withdrew their consent to publish (through their receipt): from then on nothing
// of the report goes into the chronicle but what identifies no one, and an event made from it is
// taken out of public view. A boolean and no time: when a writer acted is kept only as coarsely as
// their messages are (the withdrawal's message in the thread, at its ten-minute window).
//
// Added with a constant default, so PostgreSQL rewrites no row and holds the table's lock only for
// the catalogue change.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE helpdesk_reports ADD COLUMN consent_withdrawn boolean NOT NULL DEFAULT false`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE helpdesk_reports DROP COLUMN consent_withdrawn`.execute(db)
}
