import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// Places beyond Russia: a `country` vocabulary (ISO 3166-1 alpha-2), a country on every event, person
// and case that has a place, and regions one level under their country.
// - Country names come from Node's ICU (Unicode CLDR) through Intl.DisplayNames when this runs, so
//   no translated list is copied into the repository; the codes are the 249 ISO assigns (data file).
// - A region's country is the prefix of its ISO 3166-2 code, kept in `extra.country` so a region
//   without a code of its own (Tskhinvali region, below) still says whose it is.
// - Occupied territories stay the regions of the country they belong to (UA-*, GE-*), marked
//   `occupied`; never Russian regions. Georgia's two join here:
//   · Abkhazia has its own ISO 3166-2 code, GE-AB.
//   · South Ossetia (the Tskhinvali region, as Georgia's law on occupied territories names it) has
//     none: it lies across parts of Shida Kartli (GE-SK), Imereti, Racha-Lechkhumi and
//     Mtskheta-Mtianeti, and marking GE-SK occupied would say Gori is. Its code `GE-TSKHINVALI` is
//     longer than any ISO 3166-2 subdivision code (1–3 characters) so it can never collide with one,
//     and it carries no `iso`.
// - The rollups gain the country as a key, so statistics and facets by country (and the region
//   facet of a country) stay answered from them; events without a region (a locality abroad) are
//   counted under region 0 of their country.
const { codes } = JSON.parse(
  readFileSync(new URL('./data/countries-iso3166-1.json', import.meta.url), 'utf8'),
) as { codes: string[] }

function countryTerms() {
  const names = Object.fromEntries(
    (['ru', 'en', 'uk'] as const).map((locale) => [
      locale,
      new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' }),
    ]),
  ) as Record<'ru' | 'en' | 'uk', Intl.DisplayNames>
  return codes.map((code) => ({
    code,
    labels: { ru: names.ru.of(code), en: names.en.of(code), uk: names.uk.of(code) },
    extra: { iso: code },
  }))
}

const georgianRegions = [
  {
    code: 'GE-AB',
    labels: { ru: 'Абхазия', en: 'Abkhazia', uk: 'Абхазія' },
    extra: { iso: 'GE-AB', kind: 'republic', occupied: true, country: 'GE', gender: 'f' },
  },
  {
    code: 'GE-TSKHINVALI',
    labels: {
      ru: 'Цхинвальский регион (Южная Осетия)',
      en: 'Tskhinvali region (South Ossetia)',
      uk: 'Цхінвальський регіон (Південна Осетія)',
    },
    extra: { kind: 'territory', occupied: true, country: 'GE', gender: 'm' },
  },
]

// The grammatical gender of the occupied regions' Russian and Ukrainian names (the same in both),
// so "(оккупирован)" / "(оккупирована)" agrees with the name it follows.
const genders: Record<string, 'm' | 'f'> = {
  'UA-43': 'f',
  'UA-40': 'm',
  'UA-14': 'f',
  'UA-09': 'f',
  'UA-23': 'f',
  'UA-65': 'f',
}

const tables = ['chronicle_events', 'chronicle_persons', 'chronicle_cases'] as const

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE vocab_terms DROP CONSTRAINT vocab_terms_vocabulary_check;
    ALTER TABLE vocab_terms ADD CONSTRAINT vocab_terms_vocabulary_check
      CHECK (vocabulary IN ('event_type', 'act_type', 'region', 'article', 'country'));
  `.execute(db)
  await sql`
    INSERT INTO vocab_terms (vocabulary, code, labels, extra, status)
    SELECT 'country', t.code, t.labels, t.extra, 'approved'
    FROM jsonb_to_recordset(${JSON.stringify(countryTerms())}::jsonb) AS t(code text, labels jsonb, extra jsonb)
    ON CONFLICT (vocabulary, code) DO NOTHING
  `.execute(db)
  await sql`
    INSERT INTO vocab_terms (vocabulary, code, labels, extra, status)
    SELECT 'region', t.code, t.labels, t.extra, 'approved'
    FROM jsonb_to_recordset(${JSON.stringify(georgianRegions)}::jsonb) AS t(code text, labels jsonb, extra jsonb)
    ON CONFLICT (vocabulary, code) DO NOTHING
  `.execute(db)
  // Every region says its country: the prefix of its code (regions are coded by ISO 3166-2).
  await sql`
    UPDATE vocab_terms SET extra = extra || jsonb_build_object('country', split_part(code, '-', 1))
    WHERE vocabulary = 'region' AND NOT extra ? 'country' AND code ~ '^[A-Z]{2}-'
  `.execute(db)
  await sql`
    UPDATE vocab_terms v SET extra = v.extra || jsonb_build_object('gender', g.gender)
    FROM jsonb_each_text(${JSON.stringify(genders)}::jsonb) AS g(code, gender)
    WHERE v.vocabulary = 'region' AND v.code = g.code AND (v.extra->>'occupied')::boolean
  `.execute(db)

  for (const table of tables) {
    // Filled from the region's country; a place without a region (a locality, coordinates) was in
    // Russia, the only country the chronicle knew; no place at all stays without a country.
    const placed =
      table === 'chronicle_cases'
        ? sql`false`
        : table === 'chronicle_persons'
          ? sql`x.locality IS NOT NULL`
          : sql`(x.locality IS NOT NULL OR x.latitude IS NOT NULL)`
    await sql`
      ALTER TABLE ${sql.table(table)} ADD COLUMN country_id int REFERENCES vocab_terms;
      UPDATE ${sql.table(table)} x SET country_id = c.id
      FROM vocab_terms r, vocab_terms c
      WHERE r.id = x.region_id AND c.vocabulary = 'country' AND c.code = r.extra->>'country';
      UPDATE ${sql.table(table)} x SET country_id = (SELECT id FROM vocab_terms WHERE vocabulary = 'country' AND code = 'RU')
      WHERE x.country_id IS NULL AND x.region_id IS NULL AND ${placed};
    `.execute(db)
  }
  await sql`
    CREATE INDEX chronicle_events_country ON chronicle_events (country_id, public_date DESC, id DESC)
      WHERE published_at IS NOT NULL;
  `.execute(db)
  await rollups(db, true)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await rollups(db, false)
  for (const table of tables) {
    await sql`ALTER TABLE ${sql.table(table)} DROP COLUMN country_id`.execute(db)
  }
  // Fails, on purpose, while a record still names one of Georgia's regions.
  await sql`
    DELETE FROM vocab_terms WHERE vocabulary = 'region' AND code = ANY(${georgianRegions.map((r) => r.code)}::text[])
  `.execute(db)
  await sql`
    UPDATE vocab_terms SET extra = extra - 'country' - 'gender' WHERE vocabulary = 'region';
    DELETE FROM vocab_terms WHERE vocabulary = 'country';
    ALTER TABLE vocab_terms DROP CONSTRAINT vocab_terms_vocabulary_check;
    ALTER TABLE vocab_terms ADD CONSTRAINT vocab_terms_vocabulary_check
      CHECK (vocabulary IN ('event_type', 'act_type', 'region', 'article'));
  `.execute(db)
}

// The two rollups' trigger functions with or without the country among the keys (without: as the
// rollup-status and article-rollup migrations left them), and a recount of both.
async function rollups(db: Kysely<unknown>, country: boolean) {
  if (country) {
    await sql`
      TRUNCATE chronicle_rollup, chronicle_article_rollup;
      ALTER TABLE chronicle_rollup ADD COLUMN country_id int NOT NULL DEFAULT 0;
      ALTER TABLE chronicle_rollup DROP CONSTRAINT chronicle_rollup_pkey;
      ALTER TABLE chronicle_rollup ADD PRIMARY KEY (month, region_id, type_id, status, country_id);
      ALTER TABLE chronicle_article_rollup ADD COLUMN country_id int NOT NULL DEFAULT 0;
      ALTER TABLE chronicle_article_rollup DROP CONSTRAINT chronicle_article_rollup_pkey;
      ALTER TABLE chronicle_article_rollup ADD PRIMARY KEY (month, region_id, type_id, status, article_id, country_id);
    `.execute(db)
  } else {
    await sql`
      TRUNCATE chronicle_rollup, chronicle_article_rollup;
      ALTER TABLE chronicle_rollup DROP CONSTRAINT chronicle_rollup_pkey;
      ALTER TABLE chronicle_rollup DROP COLUMN country_id;
      ALTER TABLE chronicle_rollup ADD PRIMARY KEY (month, region_id, type_id, status);
      ALTER TABLE chronicle_article_rollup DROP CONSTRAINT chronicle_article_rollup_pkey;
      ALTER TABLE chronicle_article_rollup DROP COLUMN country_id;
      ALTER TABLE chronicle_article_rollup ADD PRIMARY KEY (month, region_id, type_id, status, article_id);
    `.execute(db)
  }
  const c = country ? ', country_id' : ''
  const cv = (alias: string) => (country ? `, coalesce(${alias}.country_id, 0)` : '')
  const main = (from: string, sign: string) => `
        INSERT INTO chronicle_rollup AS r (month, region_id, type_id, status${c}, events, detained, participants)
        SELECT date_trunc('month', x.start_date)::date, coalesce(x.region_id, 0), coalesce(x.type_id, 0), x.status${cv('x')},
               ${sign}count(*), ${sign}coalesce(sum(x.detained), 0), ${sign}coalesce(sum(x.participants), 0)
        FROM ${from} x WHERE x.published_at IS NOT NULL AND x.start_date IS NOT NULL
        GROUP BY ${country ? '1, 2, 3, 4, 5' : '1, 2, 3, 4'}
        ON CONFLICT (month, region_id, type_id, status${c}) DO UPDATE SET
          events = r.events + excluded.events,
          detained = r.detained + excluded.detained,
          participants = r.participants + excluded.participants;`
  const article = (from: string, sign: string) => `
        INSERT INTO chronicle_article_rollup AS r (month, region_id, type_id, status, article_id${c}, events, detained, participants)
        SELECT date_trunc('month', x.start_date)::date, coalesce(x.region_id, 0), coalesce(x.type_id, 0), x.status,
               a.article_id${cv('x')}, ${sign}count(*), ${sign}coalesce(sum(x.detained), 0), ${sign}coalesce(sum(x.participants), 0)
        FROM ${from} x CROSS JOIN LATERAL unnest(x.article_ids) AS a(article_id)
        WHERE x.published_at IS NOT NULL AND x.start_date IS NOT NULL
        GROUP BY ${country ? '1, 2, 3, 4, 5, 6' : '1, 2, 3, 4, 5'}
        ON CONFLICT (month, region_id, type_id, status, article_id${c}) DO UPDATE SET
          events = r.events + excluded.events,
          detained = r.detained + excluded.detained,
          participants = r.participants + excluded.participants;`
  const fn = (name: string, body: (from: string, sign: string) => string) => `
    CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN ${body('old_rows', '-')}
      END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') THEN ${body('new_rows', '')}
      END IF;
      RETURN NULL;
    END $$;`
  await sql.raw(fn('chronicle_rollup_apply', main)).execute(db)
  await sql.raw(fn('chronicle_article_rollup_apply', article)).execute(db)
  // The recount: the same INSERTs over every event (no conflicts, the tables were just emptied).
  await sql.raw(`${main('chronicle_events', '')}\n${article('chronicle_events', '')}`).execute(db)
}
