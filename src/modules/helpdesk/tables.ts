/** The help desk's tables, added to the platform's Database type. */
import type { ColumnType, Generated } from 'kysely'
import type { Localised } from '../../platform/localised.ts'
import type { PersonFlag } from './schema.ts'

type Json<T> = ColumnType<T, string, string>

/** Which public form a report came through. */
export type ReportForm = 'detained' | 'legal'
/** How soon a report needs someone. */
export type Urgency = 'urgent' | 'high' | 'normal'
/** Where a report stands. */
export type ReportStatus = 'new' | 'in_progress' | 'waiting' | 'closed'
/** How a closed report ended. */
export type Outcome = 'helped' | 'not_helped' | 'duplicate' | 'no_contact'
/** Who wrote a message in a report's thread: the writer, the desk (to the writer), or a note for the desk. */
export type MessageAuthor = 'writer' | 'desk' | 'note'

declare module '../../platform/db/tables.ts' {
  interface Database {
    helpdesk_desks: {
      desk_id: string
      takes_rest: Generated<boolean>
      region_ids: Generated<number[]>
      retention_days: Generated<number>
    }
    helpdesk_workers: {
      desk_id: string
      user_id: string
      region_ids: Generated<number[]>
      specialties: Generated<string[]>
    }
    helpdesk_reports: {
      id: Generated<string>
      desk_id: string
      receipt_lookup: Buffer
      writer_key: Buffer
      form: ReportForm
      category: string
      urgency: Urgency
      /** What makes a detention urgent, kept in clear for the queue (triage.ts flagsOf). */
      flags: Generated<PersonFlag[]>
      region_id: number | null
      received_at: Date
      status: Generated<ReportStatus>
      outcome: Outcome | null
      closed_at: Date | null
      assignee_id: string | null
      content_id: string
      writer_copy: Buffer
      group_id: string | null
      writer_waiting: Generated<boolean>
      chronicle_event_id: number | null
      form_token: Buffer | null
      erasure_key: string | null
      keep_until: Date | null
      lock_version: Generated<number>
      repeat_check: Buffer | null
      consent_withdrawn: Generated<boolean>
    }
    helpdesk_messages: {
      id: Generated<string>
      report_id: string
      author: MessageAuthor
      author_id: string | null
      position: number
      record_id: string
      writer_copy: Buffer | null
      sent_at: Date
      form_token: Buffer | null
    }
    helpdesk_files: { id: Generated<string>; report_id: string; record_id: string }
    helpdesk_templates: {
      id: Generated<number>
      code: string
      titles: Json<Localised>
      bodies: Json<Localised>
      updated_at: Generated<Date>
    }
    helpdesk_counts: { day: string; region_id: number; received: number; helped: number }
    helpdesk_spent_proofs: { signature: string; expires_at: Date }
    helpdesk_open_tally: { desk_id: string; status: ReportStatus; shard: number; reports: number }
  }
}
