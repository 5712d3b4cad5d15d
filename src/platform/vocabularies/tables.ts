/** The vocabularies' table, added to the platform's Database type. */
import type { ColumnType, Generated } from 'kysely'
import type { Localised } from '../localised.ts'
import type { TermExtra, TermStatus, Vocabulary } from './terms.ts'

type Json<T> = ColumnType<T, string | undefined, string>

declare module '../db/tables.ts' {
  interface Database {
    vocab_terms: VocabTermsTable
  }
}

/** A vocabulary term: event type, act type, region or article. */
export interface VocabTermsTable {
  id: Generated<number>
  vocabulary: Vocabulary
  code: string
  labels: Json<Localised>
  status: Generated<TermStatus>
  /** Per vocabulary: a region's ISO 3166-2 code, an article's code (КоАП / УК) and number. */
  extra: Json<TermExtra>
  proposed_by: string | null
  decided_by: string | null
  created_at: ColumnType<Date, never, never>
}
