import { type Kysely, sql } from 'kysely'

// Articles hang off events through acts → cases → case articles. To count them as fast as months,
// regions and types:
// - each event keeps the ids of its articles in `article_ids`, refreshed by triggers on acts and on
//   case articles (so every writer — staff pages, import, demo — keeps it right without knowing);
// - chronicle_article_rollup counts published, dated events per month × region × type × status ×
//   article, kept by a statement-level trigger on events like chronicle_rollup. An event with two
//   articles counts once under each; it is never counted twice under one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE chronicle_events ADD COLUMN article_ids int[] NOT NULL DEFAULT '{}';
    CREATE INDEX chronicle_events_article_ids ON chronicle_events USING gin (article_ids)
      WHERE published_at IS NOT NULL;

    -- Sets article_ids of the given events from their acts' cases.
    -- Index lookups only (enable_seqscan off inside): planned with an import's stale statistics, a
    -- sequential scan of case articles per event made each batch slower than the one before.
    CREATE FUNCTION chronicle_refresh_article_ids(events bigint[]) RETURNS void LANGUAGE sql
      SET enable_seqscan = off AS $$
      UPDATE chronicle_events e SET article_ids = x.article_ids
      FROM (
        SELECT t.id, coalesce((
          SELECT array_agg(DISTINCT ca.article_id ORDER BY ca.article_id)
          FROM chronicle_acts a JOIN chronicle_case_articles ca ON ca.case_id = a.case_id
          WHERE a.event_id = t.id), '{}') AS article_ids
        FROM (SELECT DISTINCT unnest(events) AS id) t
      ) x
      -- Naming the ids on e too lets the planner fetch just those rows by primary key; joined only
      -- through x, it hashed the whole table for every batch an import wrote.
      WHERE e.id = ANY(events) AND e.id = x.id AND e.article_ids IS DISTINCT FROM x.article_ids
    $$;

    CREATE FUNCTION chronicle_acts_articles() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM chronicle_refresh_article_ids(ARRAY(SELECT event_id FROM old_rows WHERE case_id IS NOT NULL));
      END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM chronicle_refresh_article_ids(ARRAY(SELECT event_id FROM new_rows WHERE case_id IS NOT NULL));
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER chronicle_acts_articles_insert AFTER INSERT ON chronicle_acts
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION chronicle_acts_articles();
    CREATE TRIGGER chronicle_acts_articles_update AFTER UPDATE ON chronicle_acts
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION chronicle_acts_articles();
    CREATE TRIGGER chronicle_acts_articles_delete AFTER DELETE ON chronicle_acts
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION chronicle_acts_articles();

    CREATE FUNCTION chronicle_case_articles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
    CREATE TRIGGER chronicle_case_articles_insert AFTER INSERT ON chronicle_case_articles
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION chronicle_case_articles_changed();
    CREATE TRIGGER chronicle_case_articles_update AFTER UPDATE ON chronicle_case_articles
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION chronicle_case_articles_changed();
    CREATE TRIGGER chronicle_case_articles_delete AFTER DELETE ON chronicle_case_articles
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION chronicle_case_articles_changed();

    CREATE TABLE chronicle_article_rollup (
      month date NOT NULL,
      region_id int NOT NULL,
      type_id int NOT NULL,
      status text NOT NULL,
      article_id int NOT NULL,
      events int NOT NULL DEFAULT 0,
      detained bigint NOT NULL DEFAULT 0,
      participants bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (month, region_id, type_id, status, article_id)
    );

    CREATE FUNCTION chronicle_article_rollup_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO chronicle_article_rollup AS r (month, region_id, type_id, status, article_id, events, detained, participants)
        SELECT date_trunc('month', o.start_date)::date, coalesce(o.region_id, 0), coalesce(o.type_id, 0), o.status,
               a.article_id, -count(*), -coalesce(sum(o.detained), 0), -coalesce(sum(o.participants), 0)
        FROM old_rows o CROSS JOIN LATERAL unnest(o.article_ids) AS a(article_id)
        WHERE o.published_at IS NOT NULL AND o.start_date IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (month, region_id, type_id, status, article_id) DO UPDATE SET
          events = r.events + excluded.events,
          detained = r.detained + excluded.detained,
          participants = r.participants + excluded.participants;
      END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO chronicle_article_rollup AS r (month, region_id, type_id, status, article_id, events, detained, participants)
        SELECT date_trunc('month', n.start_date)::date, coalesce(n.region_id, 0), coalesce(n.type_id, 0), n.status,
               a.article_id, count(*), coalesce(sum(n.detained), 0), coalesce(sum(n.participants), 0)
        FROM new_rows n CROSS JOIN LATERAL unnest(n.article_ids) AS a(article_id)
        WHERE n.published_at IS NOT NULL AND n.start_date IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (month, region_id, type_id, status, article_id) DO UPDATE SET
          events = r.events + excluded.events,
          detained = r.detained + excluded.detained,
          participants = r.participants + excluded.participants;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER chronicle_article_rollup_insert AFTER INSERT ON chronicle_events
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION chronicle_article_rollup_apply();
    CREATE TRIGGER chronicle_article_rollup_update AFTER UPDATE ON chronicle_events
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION chronicle_article_rollup_apply();
    CREATE TRIGGER chronicle_article_rollup_delete AFTER DELETE ON chronicle_events
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION chronicle_article_rollup_apply();

    -- Existing events: their articles first (the update trigger fills the rollup as it goes).
    SELECT chronicle_refresh_article_ids(ARRAY(SELECT DISTINCT event_id FROM chronicle_acts WHERE case_id IS NOT NULL));
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER chronicle_article_rollup_insert ON chronicle_events;
    DROP TRIGGER chronicle_article_rollup_update ON chronicle_events;
    DROP TRIGGER chronicle_article_rollup_delete ON chronicle_events;
    DROP FUNCTION chronicle_article_rollup_apply();
    DROP TABLE chronicle_article_rollup;
    DROP TRIGGER chronicle_case_articles_insert ON chronicle_case_articles;
    DROP TRIGGER chronicle_case_articles_update ON chronicle_case_articles;
    DROP TRIGGER chronicle_case_articles_delete ON chronicle_case_articles;
    DROP FUNCTION chronicle_case_articles_changed();
    DROP TRIGGER chronicle_acts_articles_insert ON chronicle_acts;
    DROP TRIGGER chronicle_acts_articles_update ON chronicle_acts;
    DROP TRIGGER chronicle_acts_articles_delete ON chronicle_acts;
    DROP FUNCTION chronicle_acts_articles();
    DROP FUNCTION chronicle_refresh_article_ids(bigint[]);
    ALTER TABLE chronicle_events DROP COLUMN article_ids;
  `.execute(db)
}
