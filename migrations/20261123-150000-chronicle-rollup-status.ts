import { type Kysely, sql } from 'kysely'

// The rollup gains the status (verified or disputed): the public list's status facet and a status
// filter on statistics then read a few thousand rollup rows instead of counting a million events.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE chronicle_rollup ADD COLUMN status text NOT NULL DEFAULT 'verified'
      CHECK (status IN ('verified', 'disputed'));
    ALTER TABLE chronicle_rollup ALTER COLUMN status DROP DEFAULT;
    ALTER TABLE chronicle_rollup DROP CONSTRAINT chronicle_rollup_pkey;
    ALTER TABLE chronicle_rollup ADD PRIMARY KEY (month, region_id, type_id, status);
  `.execute(db)
  await applyFunction(db, true)
  await rebuild(db, true)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE chronicle_rollup DROP CONSTRAINT chronicle_rollup_pkey;
    TRUNCATE chronicle_rollup;
    ALTER TABLE chronicle_rollup DROP COLUMN status;
    ALTER TABLE chronicle_rollup ADD PRIMARY KEY (month, region_id, type_id);
  `.execute(db)
  await applyFunction(db, false)
  await rebuild(db, false)
}

// The rollup's key columns, the event columns they are counted from, and the GROUP BY of those.
function keysOf(status: boolean) {
  return {
    keys: sql.raw(`month, region_id, type_id${status ? ', status' : ''}`),
    values: sql.raw(
      `date_trunc('month', start_date)::date, coalesce(region_id, 0), coalesce(type_id, 0)${status ? ', status' : ''}`,
    ),
    groups: sql.raw(status ? '1, 2, 3, 4' : '1, 2, 3'),
  }
}

// The trigger function of the chronicle migration, with or without the status among the keys.
async function applyFunction(db: Kysely<unknown>, status: boolean) {
  const { keys, values, groups } = keysOf(status)
  const apply = (from: string, sign: string) => sql`
        INSERT INTO chronicle_rollup AS r (${keys}, events, detained, participants)
        SELECT ${values}, ${sql.raw(sign)}count(*), ${sql.raw(sign)}coalesce(sum(detained), 0), ${sql.raw(sign)}coalesce(sum(participants), 0)
        FROM ${sql.raw(from)} WHERE published_at IS NOT NULL AND start_date IS NOT NULL
        GROUP BY ${groups}
        ON CONFLICT (${keys}) DO UPDATE SET
          events = r.events + excluded.events,
          detained = r.detained + excluded.detained,
          participants = r.participants + excluded.participants;`
  await sql`
    CREATE OR REPLACE FUNCTION chronicle_rollup_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN ${apply('old_rows', '-')}
      END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') THEN ${apply('new_rows', '')}
      END IF;
      RETURN NULL;
    END $$;
  `.execute(db)
}

// Recounts the rollup from the published events, as the trigger would have kept it.
async function rebuild(db: Kysely<unknown>, status: boolean) {
  const { keys, values, groups } = keysOf(status)
  await sql`
    TRUNCATE chronicle_rollup;
    INSERT INTO chronicle_rollup (${keys}, events, detained, participants)
    SELECT ${values}, count(*), coalesce(sum(detained), 0), coalesce(sum(participants), 0)
    FROM chronicle_events WHERE published_at IS NOT NULL AND start_date IS NOT NULL
    GROUP BY ${groups};
  `.execute(db)
}
