/** The approved terms of one vocabulary, as the API lists them. */
import type { Db } from '../../../platform/db/database.ts'
import type { vocabularies } from '../schema/api.ts'

/** A vocabulary's approved terms by code, with their labels and extra fields. */
export function approvedVocabulary(db: Db, vocabulary: (typeof vocabularies)[number]) {
  return db
    .selectFrom('vocab_terms')
    .select(['code', 'labels', 'extra'])
    .where('vocabulary', '=', vocabulary)
    .where('status', '=', 'approved')
    .orderBy('code')
    .execute()
}

/** One approved term as approvedVocabulary reads it. */
export type VocabularyRow = Awaited<ReturnType<typeof approvedVocabulary>>[number]
