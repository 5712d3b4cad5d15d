import { type Kysely, sql } from 'kysely'

// PostgreSQL has no Ukrainian stemmer, so Ukrainian text was searchable by exact word forms only.
// chronicle_uk_stems() is a light stemmer: it lowercases and takes one inflectional ending (and a
// reflexive -ся/-сь) off each word of four letters or more, keeping a stem of three, so
// "протестувальники", "протестувальників" and "протестувальниками" all index and search as
// "протестувальник". It is applied alike to indexed text and to queries (filters.ts searchQuery).
// Endings that would cut noun stems (the infinitive -ти, -ть) are left out on purpose.
const endings =
  'ами|ями|ові|еві|єві|ого|ому|ими|іми|ій|ий|ої|ою|ею|єю|ах|ях|ам|ям|ом|ем|ів|їв|ла|ли|ло|а|я|у|ю|о|е|и|і|ї|ь|й'

// The search vector as the chronicle migration made it, with `uk` standing for how Ukrainian is read.
const searchVector = (uk: (text: string) => string) => `
  setweight(to_tsvector('russian', coalesce(title->>'ru', '')), 'A') ||
  setweight(to_tsvector('english', coalesce(title->>'en', '')), 'A') ||
  setweight(to_tsvector('simple', ${uk("coalesce(title->>'uk', '')")}), 'A') ||
  to_tsvector('russian', coalesce(summary->>'ru', '') || ' ' || coalesce(locality, '') || ' ' || coalesce(subject, '')) ||
  to_tsvector('english', coalesce(summary->>'en', '')) ||
  to_tsvector('simple', ${uk("coalesce(summary->>'uk', '')")})`

async function redefineSearch(db: Kysely<unknown>, vector: string) {
  await sql
    .raw(`
      ALTER TABLE chronicle_events DROP COLUMN search;
      ALTER TABLE chronicle_events ADD COLUMN search tsvector GENERATED ALWAYS AS (${vector}) STORED;
      CREATE INDEX chronicle_events_search ON chronicle_events USING gin (search);`)
    .execute(db)
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
      CREATE FUNCTION chronicle_uk_stems(input text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(string_agg(
          regexp_replace(regexp_replace(w, '^(.{3,}?)(ся|сь)([^а-щьюяґєії]*)$', '\\1\\3'),
            '^(.{3,}?)(${endings})([^а-щьюяґєії]*)$', '\\1\\3'), ' '), '')
        FROM regexp_split_to_table(lower(input), '\\s+') AS w
      $$;`)
    .execute(db)
  // Most events have no Ukrainian text: only those with some pay for the stemmer.
  await redefineSearch(
    db,
    searchVector((text) => `CASE WHEN ${text} = '' THEN '' ELSE chronicle_uk_stems(${text}) END`),
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await redefineSearch(
    db,
    searchVector((text) => text),
  )
  await sql`DROP FUNCTION chronicle_uk_stems(text)`.execute(db)
}
