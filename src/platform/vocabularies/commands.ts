/**
 * Changing vocabularies: a term is proposed, then approved or rejected by a reviewer. Each change is
 * audited in its own transaction and drops this process's term index once committed.
 */
import { audit } from '../audit.ts'
import type { Db } from '../db/database.ts'
import { notFound } from '../errors.ts'
import { vocabularyErrors } from './errors.ts'
import { invalidateTermIndex, presentTerm, termColumns } from './queries.ts'
import type { ProposeTermInput } from './schema.ts'
import type { Term, TermExtra, Vocabulary } from './terms.ts'

// What a term's code already says: a region's ISO 3166-2 code, an article's code and number.
function derivedExtra(vocabulary: Vocabulary, code: string): TermExtra {
  if (vocabulary === 'region' && /^[A-Z]{2}-[A-Z0-9]{1,3}$/.test(code)) return { iso: code }
  const article = /^(koap|uk)-(\d+(?:\.\d+)*)$/.exec(code)
  if (vocabulary === 'article' && article) {
    return { code: article[1] === 'koap' ? 'КоАП' : 'УК', number: article[2]! }
  }
  return {}
}

/**
 * Proposes a term; it is not usable (not among `termIndex`'s approved codes, not in any list of
 * approved terms) until a reviewer approves it. A code turned down before may be proposed again; any
 * other existing code is refused with ERR_TERM_EXISTS.
 */
export async function proposeTerm(db: Db, input: ProposeTermInput, actorId: string): Promise<Term> {
  const labels = JSON.stringify({ ru: input.label_ru, en: input.label_en, uk: input.label_uk })
  const extra = JSON.stringify(derivedExtra(input.vocabulary, input.code))
  const row = await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('vocab_terms')
      .values({
        vocabulary: input.vocabulary,
        code: input.code,
        labels,
        extra,
        status: 'proposed',
        proposed_by: actorId,
      })
      .onConflict((oc) =>
        oc
          .columns(['vocabulary', 'code'])
          .doUpdateSet({ labels, extra, status: 'proposed', proposed_by: actorId, decided_by: null })
          .where('vocab_terms.status', '=', 'rejected'),
      )
      .returning(termColumns)
      .executeTakeFirst()
    if (!inserted) throw vocabularyErrors.ERR_TERM_EXISTS()
    await audit(trx, {
      actorId,
      action: 'vocabulary.term_proposed',
      target: String(inserted.id),
      detail: { vocabulary: input.vocabulary, code: input.code },
    })
    return inserted
  })
  invalidateTermIndex(db)
  return presentTerm(row)
}

/**
 * Who decides: their id, and whether the module that owns the vocabulary lets them (the chronicle:
 * REVIEW_CHRONICLE), checked here as well as on the route. A null id is the command line, run by
 * whoever holds the server.
 */
export type Reviewer = { id: string | null; mayApprove: boolean }

/**
 * Approves or rejects a proposed term. Only a reviewer who may approve may; anyone else, and a term
 * that does not exist, gets 404; a term already decided gets ERR_TERM_DECIDED.
 */
export async function decideTerm(
  db: Db,
  id: number,
  decision: 'approve' | 'reject',
  reviewer: Reviewer,
): Promise<Term> {
  if (!reviewer.mayApprove) throw notFound()
  const row = await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('vocab_terms')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirst()
    if (!existing) throw notFound()
    const updated = await trx
      .updateTable('vocab_terms')
      .set({ status: decision === 'approve' ? 'approved' : 'rejected', decided_by: reviewer.id })
      .where('id', '=', id)
      .where('status', '=', 'proposed')
      .returning(termColumns)
      .executeTakeFirst()
    if (!updated) throw vocabularyErrors.ERR_TERM_DECIDED()
    await audit(trx, {
      actorId: reviewer.id,
      action: decision === 'approve' ? 'vocabulary.term_approved' : 'vocabulary.term_rejected',
      target: String(id),
      detail: { vocabulary: updated.vocabulary, code: updated.code },
    })
    return updated
  })
  // After the commit: a reload before it could otherwise keep the old state.
  invalidateTermIndex(db)
  return presentTerm(row)
}
