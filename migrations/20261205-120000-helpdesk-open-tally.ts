import { type Kysely, sql } from 'kysely'

// The queue's heading shows how many open reports each status has. Counted live, that read every
// open report of the member's desks on every page: 25-30 ms at 100,000 open reports. A trigger keeps
// the counts instead, per desk and status. Each database connection adds to a row of its own
// (a shard picked by its process id), so reports arriving at once on several connections never wait
// for one another's counter; reading sums the shards.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE helpdesk_open_tally (
      desk_id uuid NOT NULL REFERENCES desks ON DELETE CASCADE,
      status text NOT NULL,
      shard smallint NOT NULL,
      reports bigint NOT NULL,
      PRIMARY KEY (desk_id, status, shard)
    );

    -- Adds the changes of one statement. Rows are added to in (desk, status) order, so statements
    -- never wait on one another in a cycle. (Each branch names only the transition tables its
    -- trigger has.)
    CREATE FUNCTION helpdesk_open_tally_add(changes jsonb) RETURNS void LANGUAGE sql AS $$
      INSERT INTO helpdesk_open_tally AS t (desk_id, status, shard, reports)
      SELECT (c->>'desk_id')::uuid, c->>'status', pg_backend_pid() % 16, sum((c->>'change')::bigint)
      FROM jsonb_array_elements(changes) c
      GROUP BY 1, 2
      HAVING sum((c->>'change')::bigint) <> 0
      ORDER BY 1, 2
      ON CONFLICT (desk_id, status, shard) DO UPDATE SET reports = t.reports + excluded.reports
    $$;

    CREATE FUNCTION helpdesk_open_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      changes jsonb := '[]';
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        changes := changes || coalesce((SELECT jsonb_agg(jsonb_build_object('desk_id', desk_id, 'status', status, 'change', -n))
          FROM (SELECT desk_id, status, count(*) AS n FROM old_rows WHERE status <> 'closed' GROUP BY 1, 2) o), '[]');
      END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') THEN
        changes := changes || coalesce((SELECT jsonb_agg(jsonb_build_object('desk_id', desk_id, 'status', status, 'change', n))
          FROM (SELECT desk_id, status, count(*) AS n FROM new_rows WHERE status <> 'closed' GROUP BY 1, 2) n), '[]');
      END IF;
      PERFORM helpdesk_open_tally_add(changes);
      RETURN NULL;
    END $$;
    CREATE TRIGGER helpdesk_open_tally_insert AFTER INSERT ON helpdesk_reports
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION helpdesk_open_tally_apply();
    CREATE TRIGGER helpdesk_open_tally_update AFTER UPDATE ON helpdesk_reports
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION helpdesk_open_tally_apply();
    CREATE TRIGGER helpdesk_open_tally_delete AFTER DELETE ON helpdesk_reports
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION helpdesk_open_tally_apply();

    INSERT INTO helpdesk_open_tally (desk_id, status, shard, reports)
    SELECT desk_id, status, 0, count(*) FROM helpdesk_reports WHERE status <> 'closed' GROUP BY desk_id, status;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER helpdesk_open_tally_insert ON helpdesk_reports;
    DROP TRIGGER helpdesk_open_tally_update ON helpdesk_reports;
    DROP TRIGGER helpdesk_open_tally_delete ON helpdesk_reports;
    DROP FUNCTION helpdesk_open_tally_apply();
    DROP FUNCTION helpdesk_open_tally_add(jsonb);
    DROP TABLE helpdesk_open_tally;
  `.execute(db)
}
