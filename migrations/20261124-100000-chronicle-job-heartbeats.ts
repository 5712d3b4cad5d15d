import { type Kysely, sql } from 'kysely'

// Which app process runs each import job, and when it last said it is alive, so a job left
// 'running' by a process that crashed or restarted can be told from one still running on another
// node (see src/modules/chronicle/import/jobs.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE chronicle_job_heartbeats (
      job_id uuid PRIMARY KEY REFERENCES chronicle_jobs ON DELETE CASCADE,
      instance uuid NOT NULL,
      beat_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE chronicle_job_heartbeats;`.execute(db)
}
