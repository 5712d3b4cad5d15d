/** The approved terms of one vocabulary, as the API lists them. */
import type { Db } from '../../../platform/db/database.ts'
import { approvedTermsByCode } from '../../../platform/vocabularies/queries.ts'
import type { vocabularies } from '../schema/api.ts'

/** A vocabulary's approved terms, by code (the platform's term index). */
export function approvedVocabulary(db: Db, vocabulary: (typeof vocabularies)[number]) {
  return approvedTermsByCode(db, vocabulary)
}

/** One approved term as approvedVocabulary reads it. */
export type VocabularyRow = Awaited<ReturnType<typeof approvedVocabulary>>[number]
