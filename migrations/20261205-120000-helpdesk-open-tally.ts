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

    -- Each trigger adds its statement's changes: reports in, reports out, or both for an update.
    -- Rows are added to in (desk, status) order, so statements never wait on one another in a cycle.
    CREATE FUNCTION helpdesk_open_tally_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO helpdesk_open_tally AS t (desk_id, status, shard, reports)
      SELECT desk_id, status, pg_backend_pid() % 16, count(*) FROM new_rows WHERE status <> 'closed'
      GROUP BY desk_id, status ORDER BY desk_id, status
      ON CONFLICT (desk_id, status, shard) DO UPDATE SET reports = t.reports + excluded.reports;
      RETURN NULL;
    END $$;
    CREATE FUNCTION helpdesk_open_tally_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO helpdesk_open_tally AS t (desk_id, status, shard, reports)
      SELECT desk_id, status, pg_backend_pid() % 16, -count(*) FROM old_rows WHERE status <> 'closed'
      GROUP BY desk_id, status ORDER BY desk_id, status
      ON CONFLICT (desk_id, status, shard) DO UPDATE SET reports = t.reports + excluded.reports;
      RETURN NULL;
    END $$;
    CREATE FUNCTION helpdesk_open_tally_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO helpdesk_open_tally AS t (desk_id, status, shard, reports)
      SELECT desk_id, status, pg_backend_pid() % 16, sum(change)
      FROM (
        SELECT desk_id, status, -1 AS change FROM old_rows WHERE status <> 'closed'
        UNION ALL
        SELECT desk_id, status, 1 FROM new_rows WHERE status <> 'closed'
      ) changes
      GROUP BY desk_id, status HAVING sum(change) <> 0 ORDER BY desk_id, status
      ON CONFLICT (desk_id, status, shard) DO UPDATE SET reports = t.reports + excluded.reports;
      RETURN NULL;
    END $$;
    CREATE TRIGGER helpdesk_open_tally_insert AFTER INSERT ON helpdesk_reports
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION helpdesk_open_tally_inserted();
    CREATE TRIGGER helpdesk_open_tally_update AFTER UPDATE ON helpdesk_reports
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION helpdesk_open_tally_updated();
    CREATE TRIGGER helpdesk_open_tally_delete AFTER DELETE ON helpdesk_reports
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION helpdesk_open_tally_deleted();

    INSERT INTO helpdesk_open_tally (desk_id, status, shard, reports)
    SELECT desk_id, status, 0, count(*) FROM helpdesk_reports WHERE status <> 'closed' GROUP BY desk_id, status;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER helpdesk_open_tally_insert ON helpdesk_reports;
    DROP TRIGGER helpdesk_open_tally_update ON helpdesk_reports;
    DROP TRIGGER helpdesk_open_tally_delete ON helpdesk_reports;
    DROP FUNCTION helpdesk_open_tally_inserted();
    DROP FUNCTION helpdesk_open_tally_deleted();
    DROP FUNCTION helpdesk_open_tally_updated();
    DROP TABLE helpdesk_open_tally;
  `.execute(db)
}
