import { type Kysely, sql } from 'kysely'

// Re-keying a desk's records after a member left (src/platform/crypto/desk-rotation.ts). The work runs
// in the app process that took the coordinator's request, since it needs their private key, which
// never reaches the database; these tables hold only its progress, so any node can show it and a
// rotation cut short by a crash can be resumed.
// - desk_rotations: one row per rotation. Its start and end are kept to the coarse window
//   (coarse-time.ts); the heartbeat is the database's clock at the last batch, to tell a live run from
//   a dead one within a minute. A unique partial index lets a desk have one running rotation at most.
// - desk_rotation_records: the records a rotation still has to re-key, listed when it starts. Records
//   sealed afterwards are sealed to the current members already and are never listed; a resumed
//   rotation carries on with what is left. A shredded record leaves the list with it (cascade).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE desk_rotations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      desk_id uuid NOT NULL REFERENCES desks ON DELETE CASCADE,
      started_by uuid REFERENCES users ON DELETE SET NULL,
      state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'finished', 'stopped')),
      total integer NOT NULL CHECK (total >= 0),
      done integer NOT NULL DEFAULT 0 CHECK (done >= 0),
      unopened integer NOT NULL DEFAULT 0 CHECK (unopened >= 0),
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      heartbeat_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX desk_rotations_one_running ON desk_rotations (desk_id) WHERE state = 'running';
    CREATE INDEX desk_rotations_desk ON desk_rotations (desk_id, started_at DESC);
    CREATE TABLE desk_rotation_records (
      rotation_id uuid NOT NULL REFERENCES desk_rotations ON DELETE CASCADE,
      record_id uuid NOT NULL REFERENCES sealed_records ON DELETE CASCADE,
      PRIMARY KEY (rotation_id, record_id)
    );
    CREATE INDEX desk_rotation_records_record ON desk_rotation_records (record_id);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE desk_rotation_records, desk_rotations`.execute(db)
}
