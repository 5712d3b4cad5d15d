import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// The chronicle's controlled vocabularies on first start: event types, act types, regions and
// articles, approved, with ru/en/uk labels. The Russian regions derive from the shared
// russia-regions-adm1.geojson (its shapeISO codes, so the map joins on them); the seed file says how.
const seed = JSON.parse(
  readFileSync(new URL('./data/chronicle-vocabularies-2026-11.json', import.meta.url), 'utf8'),
) as Record<string, unknown>

type SeedTerm = {
  vocabulary: string
  code: string
  labels: Record<string, string>
  extra: Record<string, unknown>
}

function seedTerms(): SeedTerm[] {
  const terms: SeedTerm[] = []
  for (const vocabulary of ['event_type', 'act_type', 'region', 'article']) {
    for (const term of seed[vocabulary] as Omit<SeedTerm, 'vocabulary'>[]) {
      terms.push({ vocabulary, code: term.code, labels: term.labels, extra: term.extra ?? {} })
    }
  }
  return terms
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // One statement for all terms; a term someone already created by hand is left as it is.
  await sql`
    INSERT INTO vocab_terms (vocabulary, code, labels, extra, status)
    SELECT t.vocabulary, t.code, t.labels, t.extra, 'approved'
    FROM jsonb_to_recordset(${JSON.stringify(seedTerms())}::jsonb)
      AS t(vocabulary text, code text, labels jsonb, extra jsonb)
    ON CONFLICT (vocabulary, code) DO NOTHING
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Fails, on purpose, while chronicle records still refer to a seeded term.
  await sql`
    DELETE FROM vocab_terms v
    USING jsonb_to_recordset(${JSON.stringify(seedTerms())}::jsonb) AS t(vocabulary text, code text)
    WHERE v.vocabulary = t.vocabulary AND v.code = t.code
  `.execute(db)
}
