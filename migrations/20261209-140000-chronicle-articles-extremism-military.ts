import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// Articles the first seed lacked and reports name often: Nazi or extremist symbols (КоАП 20.3),
// extremist materials (20.29), military registration (21.5), foreign agents (13.53), an extremist
// organisation, organising or taking part (УК 282.2, its part 2), and financing one (282.3). Approved,
// with ru/en/uk labels in the seed's style (the data file says it). A term with the same code already
// made by hand is left as it is, so running this again, or over a hand-made term, changes nothing.
const seed = JSON.parse(
  readFileSync(new URL('./data/chronicle-articles-2026-12.json', import.meta.url), 'utf8'),
) as { article: { code: string; labels: Record<string, string>; extra: Record<string, unknown> }[] }

const terms = () => JSON.stringify(seed.article.map((term) => ({ vocabulary: 'article', ...term })))

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    INSERT INTO vocab_terms (vocabulary, code, labels, extra, status)
    SELECT t.vocabulary, t.code, t.labels, t.extra, 'approved'
    FROM jsonb_to_recordset(${terms()}::jsonb) AS t(vocabulary text, code text, labels jsonb, extra jsonb)
    ON CONFLICT (vocabulary, code) DO NOTHING
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Only terms still as this migration made them: one made by hand before, or relabelled since, stays.
  // Fails, on purpose, while chronicle records still refer to one of them.
  await sql`
    DELETE FROM vocab_terms v
    USING jsonb_to_recordset(${terms()}::jsonb) AS t(vocabulary text, code text, labels jsonb)
    WHERE v.vocabulary = t.vocabulary AND v.code = t.code AND v.labels = t.labels
  `.execute(db)
}
