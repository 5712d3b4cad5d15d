/** The chronicle's tables, added to the platform's Database type. */
import type { ColumnType, Generated } from 'kysely'
import type { Precision } from '../../platform/dates/precision.ts'
import type { Localised } from '../../platform/localised.ts'
import type { CountQualifier } from './schema/event-fields.ts'
import '../../platform/vocabularies/tables.ts'

type CreatedAt = ColumnType<Date, never, never>
type Json<T> = ColumnType<T, string | undefined, string>

declare module '../../platform/db/tables.ts' {
  interface Database {
    chronicle_events: EventsTable
    chronicle_sources: SourcesTable
    chronicle_persons: PersonsTable
    chronicle_cases: CasesTable
    chronicle_case_articles: {
      case_id: number
      article_id: number
      part: string | null
      paragraph: string | null
    }
    chronicle_case_stages: {
      id: Generated<number>
      case_id: number
      stage: string
      on_date: string | null
      date_precision: Generated<Precision>
    }
    chronicle_acts: {
      id: Generated<number>
      event_id: number
      act_type_id: number
      person_id: number | null
      case_id: number | null
    }
    chronicle_history: {
      id: Generated<number>
      entity: string
      entity_id: number
      version: number
      changed_by: string | null
      changed_at: Generated<Date>
      changes: Json<Record<string, { from: unknown; to: unknown }>>
    }
    chronicle_verifications: { event_id: number; user_id: string; at: Generated<Date> }
    chronicle_rollup: {
      month: string
      region_id: number
      type_id: number
      status: 'verified' | 'disputed'
      /** The event's country, 0 for none (see the countries migration). */
      country_id: number
      events: number
      detained: number
      participants: number
    }
    /** chronicle_rollup with the article as a further key (see the article rollup migration). */
    chronicle_article_rollup: {
      month: string
      region_id: number
      type_id: number
      status: 'verified' | 'disputed'
      article_id: number
      country_id: number
      events: number
      detained: number
      participants: number
    }
    /** A merge of one event into another, with what moved (see the merges migration). */
    chronicle_merges: {
      id: Generated<number>
      survivor_id: number
      merged_id: number
      moved: Json<MergeMoved>
      survivor_version: number
      merged_version: number
      merged_by: string | null
      merged_at: CreatedAt
      undone_by: string | null
      undone_at: Date | null
    }
    chronicle_mappings: {
      id: Generated<number>
      name: string
      mapping: Json<unknown>
      created_by: string | null
      created_at: CreatedAt
    }
    chronicle_jobs: {
      id: Generated<string>
      kind: 'import' | 'export'
      state: Generated<'queued' | 'running' | 'done' | 'failed'>
      params: Json<Record<string, unknown>>
      done_rows: Generated<number>
      total_rows: number | null
      result: Json<Record<string, unknown> | null> | null
      file_id: string | null
      created_by: string | null
      created_at: CreatedAt
      finished_at: Date | null
    }
  }
}

/** An event: what happened, when (with precision), where, how many, how sure we are. */
export interface EventsTable {
  id: Generated<number>
  external_source: string | null
  external_id: string | null
  title: Json<Localised>
  summary: Json<Localised>
  type_id: number | null
  start_date: string | null
  start_precision: Generated<Precision>
  end_date: string | null
  end_precision: Generated<Precision>
  region_id: number | null
  /** The country (a `country` term), null only for an event with no place at all. */
  country_id: number | null
  locality: string | null
  latitude: number | null
  longitude: number | null
  coord_precision: 'exact' | 'street' | 'locality' | 'region' | null
  participants: number | null
  participants_qualifier: Generated<CountQualifier>
  detained: number | null
  detained_qualifier: Generated<CountQualifier>
  authorised: boolean | null
  subject: string | null
  organisers: string | null
  status: Generated<'reported' | 'verified' | 'disputed'>
  sensitive: Generated<boolean>
  published_at: Date | null
  import_raw: Json<Record<string, unknown> | null> | null
  version: Generated<number>
  created_by: string | null
  updated_by: string | null
  created_at: CreatedAt
  updated_at: Generated<Date>
  search: ColumnType<string, never, never>
  /** start_date as the public may see it: blurred to the month for a sensitive event. */
  public_date: ColumnType<string | null, never, never>
  /** The event's articles (through acts and cases), kept by triggers; writers may give it up front. */
  article_ids: Generated<number[]>
  /** The event this one was merged into (its id redirects there), or null. */
  merged_into: Generated<number | null>
}

/** What a merge moved to the survivor, so that an undo moves exactly that back. */
export type MergeMoved = {
  sources: number[]
  acts: number[]
  /** The survivor's title and summary fields (e.g. `title_en`) filled from the merged event. */
  texts: Record<string, string>
  /** When the merged event had been published (restored by an undo), or null. */
  publishedAt: string | null
}

/** Where we know an event from. */
export interface SourcesTable {
  id: Generated<number>
  event_id: number
  url: string | null
  description: string | null
  publisher: string | null
  published_on: string | null
  reliability: Generated<'high' | 'medium' | 'low' | 'unknown'>
}

/** A person or a group; what of them may be public is `visibility`. */
export interface PersonsTable {
  id: Generated<number>
  kind: Generated<'individual' | 'group'>
  group_size: number | null
  name_cyrillic: string | null
  name_latin: string | null
  visibility: Generated<'named' | 'anonymous' | 'withheld'>
  visibility_source: string | null
  region_id: number | null
  country_id: number | null
  locality: string | null
  birth_year: number | null
  /** Where an imported person came from, and their key there (see the import keys migration). */
  external_source: string | null
  external_id: string | null
  version: Generated<number>
  created_at: CreatedAt
  updated_at: Generated<Date>
}

/** An administrative or criminal case. Fines are in minor units (kopecks). */
export interface CasesTable {
  id: Generated<number>
  kind: 'administrative' | 'criminal'
  court: string | null
  region_id: number | null
  country_id: number | null
  status: Generated<'open' | 'closed' | 'appeal'>
  outcome: 'fine' | 'term' | 'suspended' | 'acquitted' | 'dismissed' | 'other' | null
  fine_minor: number | null
  term_months: number | null
  /** Where an imported case came from, and its key there. */
  external_source: string | null
  external_id: string | null
  version: Generated<number>
  created_at: CreatedAt
  updated_at: Generated<Date>
}
