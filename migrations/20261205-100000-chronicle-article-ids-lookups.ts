import { type Kysely, sql } from 'kysely'

// Refreshing an event's article ids joined its acts to case articles, and the planner, working from
// an import's stale statistics and with sequential scans off, merged them: a full index scan of every
// case article for each event of a batch. A native million-row import slowed to 25 s a batch by
// 200,000 rows. Looking the cases up as an array leaves the planner no join to choose: each event
// costs two index lookups however large the tables grow. The case-articles trigger finds its acts
// the same way (CREATE OR REPLACE resets a function's settings, so each states its own).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION chronicle_refresh_article_ids(events bigint[]) RETURNS void LANGUAGE sql
      SET enable_seqscan = off AS $$
      UPDATE chronicle_events e SET article_ids = x.article_ids
      FROM (
        SELECT t.id, coalesce((
          SELECT array_agg(DISTINCT ca.article_id ORDER BY ca.article_id)
          FROM chronicle_case_articles ca
          WHERE ca.case_id = ANY (ARRAY(
            SELECT a.case_id FROM chronicle_acts a WHERE a.event_id = t.id AND a.case_id IS NOT NULL))), '{}') AS article_ids
        FROM (SELECT DISTINCT unnest(events) AS id) t
      ) x
      WHERE e.id = ANY(events) AND e.id = x.id AND e.article_ids IS DISTINCT FROM x.article_ids
    $$;

    CREATE OR REPLACE FUNCTION chronicle_case_articles_changed() RETURNS trigger LANGUAGE plpgsql
      SET enable_seqscan = off AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM chronicle_refresh_article_ids(ARRAY(
          SELECT a.event_id FROM chronicle_acts a WHERE a.case_id = ANY (ARRAY(SELECT case_id FROM old_rows))));
      END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM chronicle_refresh_article_ids(ARRAY(
          SELECT a.event_id FROM chronicle_acts a WHERE a.case_id = ANY (ARRAY(SELECT case_id FROM new_rows))));
      END IF;
      RETURN NULL;
    END $$;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION chronicle_refresh_article_ids(events bigint[]) RETURNS void LANGUAGE sql
      SET enable_seqscan = off AS $$
      UPDATE chronicle_events e SET article_ids = x.article_ids
      FROM (
        SELECT t.id, coalesce((
          SELECT array_agg(DISTINCT ca.article_id ORDER BY ca.article_id)
          FROM chronicle_acts a JOIN chronicle_case_articles ca ON ca.case_id = a.case_id
          WHERE a.event_id = t.id), '{}') AS article_ids
        FROM (SELECT DISTINCT unnest(events) AS id) t
      ) x
      WHERE e.id = ANY(events) AND e.id = x.id AND e.article_ids IS DISTINCT FROM x.article_ids
    $$;

    CREATE OR REPLACE FUNCTION chronicle_case_articles_changed() RETURNS trigger LANGUAGE plpgsql
      SET enable_seqscan = off AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM chronicle_refresh_article_ids(ARRAY(
          SELECT a.event_id FROM chronicle_acts a WHERE a.case_id IN (SELECT case_id FROM old_rows)));
      END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM chronicle_refresh_article_ids(ARRAY(
          SELECT a.event_id FROM chronicle_acts a WHERE a.case_id IN (SELECT case_id FROM new_rows)));
      END IF;
      RETURN NULL;
    END $$;
  `.execute(db)
}
