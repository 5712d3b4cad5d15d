import { type Kysely, sql } from 'kysely'

// Files that must outlive a request (an uploaded import waiting for its run, a finished export
// waiting for its download) move from LIFELINE_DATA_DIR into the database, so any app node on a
// shared PostgreSQL can read what another wrote (src/platform/db/stored-files.ts). A file is a row
// and its bytes are numbered chunks of 256 KiB: each is written and read in its own
// statement, so neither end holds a whole file in memory, and no transaction stays open while a
// file is written (the embedded database has one connection). Chunks are stored uncompressed
// (STORAGE EXTERNAL): compressing hundreds of MiB of export on the way in would cost more time
// than the day-long disk space it saves.
//
// Files already on disk are not carried over: a dry run's kept upload shows as expired (its page
// asks for the file again) and a finished export as no longer available, as they would a day
// later anyway. The old folders (imports/, exports/ in the data dir) can be deleted by hand.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE stored_files (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL,
      size bigint,
      chunks integer,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      expires_at timestamptz
    );
    CREATE INDEX stored_files_expires ON stored_files (expires_at) WHERE expires_at IS NOT NULL;
    CREATE INDEX stored_files_unfinished ON stored_files (created_at) WHERE finished_at IS NULL;
    CREATE TABLE stored_file_chunks (
      file_id uuid NOT NULL REFERENCES stored_files ON DELETE CASCADE,
      n integer NOT NULL,
      data bytea NOT NULL,
      PRIMARY KEY (file_id, n)
    );
    ALTER TABLE stored_file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
    ALTER TABLE chronicle_jobs ADD COLUMN file_id uuid REFERENCES stored_files ON DELETE SET NULL;
    CREATE INDEX chronicle_jobs_file ON chronicle_jobs (file_id) WHERE file_id IS NOT NULL;
    UPDATE chronicle_jobs SET result = coalesce(result, '{}'::jsonb) || '{"fileExpired": true}'::jsonb
      WHERE kind = 'import' AND file_path IS NOT NULL;
    ALTER TABLE chronicle_jobs DROP COLUMN file_path;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE chronicle_jobs ADD COLUMN file_path text;
    UPDATE chronicle_jobs SET result = coalesce(result, '{}'::jsonb) || '{"fileExpired": true}'::jsonb
      WHERE kind = 'import' AND file_id IS NOT NULL;
    ALTER TABLE chronicle_jobs DROP COLUMN file_id;
    DROP TABLE stored_file_chunks, stored_files;
  `.execute(db)
}
