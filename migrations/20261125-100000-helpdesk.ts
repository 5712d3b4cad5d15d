import { type Kysely, sql } from 'kysely'

// The help desk (src/modules/helpdesk). What a writer sends is sealed (sealed_records, to the desk's
// members); in clear a report keeps only what triage needs: the form, a category, an urgency, a region
// and when it came, rounded down to 10 minutes. Ids are random uuids, so their order says nothing.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A desk of the platform working as a help desk: which regions' reports it takes, whether it is
    -- the one that takes the rest (at most one is), and how long closed reports are kept.
    CREATE TABLE helpdesk_desks (
      desk_id uuid PRIMARY KEY REFERENCES desks ON DELETE CASCADE,
      takes_rest boolean NOT NULL DEFAULT false,
      region_ids int[] NOT NULL DEFAULT '{}',
      retention_days int NOT NULL DEFAULT 90 CHECK (retention_days BETWEEN 1 AND 3650)
    );
    CREATE UNIQUE INDEX helpdesk_desks_one_takes_rest ON helpdesk_desks (takes_rest) WHERE takes_rest;

    -- The regions and specialties of a desk's lawyers and volunteers, for assigning reports.
    CREATE TABLE helpdesk_workers (
      desk_id uuid NOT NULL,
      user_id uuid NOT NULL,
      region_ids int[] NOT NULL DEFAULT '{}',
      specialties text[] NOT NULL DEFAULT '{}',
      PRIMARY KEY (desk_id, user_id),
      FOREIGN KEY (desk_id, user_id) REFERENCES desk_members ON DELETE CASCADE
    );

    CREATE TABLE helpdesk_reports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      desk_id uuid NOT NULL REFERENCES desks ON DELETE CASCADE,
      -- A hash of the receipt (never the receipt), and the writer's public key derived from it:
      -- the desk's replies are sealed to it too, so only the receipt opens them.
      receipt_lookup bytea NOT NULL UNIQUE,
      writer_key bytea NOT NULL,
      form text NOT NULL CHECK (form IN ('detained', 'legal')),
      category text NOT NULL,
      urgency text NOT NULL CHECK (urgency IN ('urgent', 'high', 'normal')),
      region_id int REFERENCES vocab_terms,
      received_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'waiting', 'closed')),
      outcome text CHECK (outcome IN ('helped', 'not_helped', 'duplicate', 'no_contact')),
      closed_at timestamptz,
      assignee_id uuid REFERENCES users ON DELETE SET NULL,
      content_id uuid NOT NULL REFERENCES sealed_records,
      -- The same content sealed to the writer's key, so the receipt shows them what they sent.
      writer_copy bytea NOT NULL,
      -- Reports about the same detention, joined in the surge view so one lawyer takes them all.
      group_id uuid,
      -- The writer wrote after the desk's last answer.
      writer_waiting boolean NOT NULL DEFAULT false,
      -- The chronicle event made from it: the link lives here, on the desk's side, only.
      chronicle_event_id bigint REFERENCES chronicle_events ON DELETE SET NULL,
      -- A hash of the form's one-time token: the same form sent twice makes one report.
      form_token bytea UNIQUE,
      CHECK ((status = 'closed') = (closed_at IS NOT NULL))
    );
    -- The queue's order: most urgent first, then oldest first (see queue.ts urgencyRank).
    CREATE INDEX helpdesk_reports_queue ON helpdesk_reports
      (desk_id, (CASE urgency WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END), received_at, id)
      WHERE status <> 'closed';
    CREATE INDEX helpdesk_reports_assignee ON helpdesk_reports (assignee_id) WHERE status <> 'closed';
    CREATE INDEX helpdesk_reports_closed ON helpdesk_reports (closed_at) WHERE status = 'closed';
    CREATE INDEX helpdesk_reports_group ON helpdesk_reports (group_id) WHERE group_id IS NOT NULL;

    -- The thread of a report: the writer's messages, the desk's replies and internal notes, each
    -- sealed to the desk; what the writer may read is sealed to the writer's key as well.
    CREATE TABLE helpdesk_messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      report_id uuid NOT NULL REFERENCES helpdesk_reports ON DELETE CASCADE,
      author text NOT NULL CHECK (author IN ('writer', 'desk', 'note')),
      author_id uuid REFERENCES users ON DELETE SET NULL,
      -- Its place in the thread (1, 2, …): writers' times are rounded, so they can't order it.
      position int NOT NULL,
      record_id uuid NOT NULL REFERENCES sealed_records,
      writer_copy bytea,
      sent_at timestamptz NOT NULL,
      form_token bytea UNIQUE,
      UNIQUE (report_id, position),
      CHECK ((author = 'note') = (writer_copy IS NULL))
    );

    -- Photos of protocols and other files, metadata stripped, each sealed on its own.
    CREATE TABLE helpdesk_files (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      report_id uuid NOT NULL REFERENCES helpdesk_reports ON DELETE CASCADE,
      record_id uuid NOT NULL REFERENCES sealed_records
    );
    CREATE INDEX helpdesk_files_report ON helpdesk_files (report_id);

    -- Reply templates, in every language.
    CREATE TABLE helpdesk_templates (
      id serial PRIMARY KEY,
      code text NOT NULL UNIQUE,
      titles jsonb NOT NULL,
      bodies jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    -- Public counts that outlive the reports (retention deletes those): reports received and people
    -- helped per day and region, added when reports are deleted. Live reports are counted live.
    CREATE TABLE helpdesk_counts (
      day date NOT NULL,
      region_id int NOT NULL DEFAULT 0,
      received int NOT NULL DEFAULT 0,
      helped int NOT NULL DEFAULT 0,
      PRIMARY KEY (day, region_id)
    );
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE helpdesk_counts, helpdesk_templates, helpdesk_files, helpdesk_messages, helpdesk_reports,
      helpdesk_workers, helpdesk_desks;
  `.execute(db)
}
