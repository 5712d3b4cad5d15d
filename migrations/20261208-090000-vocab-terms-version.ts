import { type Kysely, sql } from 'kysely'

// Every app node keeps the vocabulary terms in memory and checks, at each use, that the database's
// terms are still the ones it holds. The check hashed every term's labels, several times per public
// page; it now reads one row that a trigger rewrites whenever a statement changes vocab_terms. The
// stamp is that row's xmin and counter: a restored database rewrites the row, so a node never takes
// restored terms for the ones it holds.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE vocab_terms_version (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint NOT NULL DEFAULT 0
  )`.execute(db)
  await sql`INSERT INTO vocab_terms_version DEFAULT VALUES`.execute(db)
  await sql`CREATE FUNCTION vocab_terms_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE vocab_terms_version SET version = version + 1;
      RETURN NULL;
    END $$`.execute(db)
  await sql`CREATE TRIGGER vocab_terms_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON vocab_terms
    FOR EACH STATEMENT EXECUTE FUNCTION vocab_terms_changed()`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER vocab_terms_changed ON vocab_terms`.execute(db)
  await sql`DROP FUNCTION vocab_terms_changed()`.execute(db)
  await sql`DROP TABLE vocab_terms_version`.execute(db)
}
