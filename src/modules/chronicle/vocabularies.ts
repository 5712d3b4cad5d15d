/**
 * Controlled vocabularies (event types, act types, regions, articles): reading terms, proposing new
 * ones and deciding on proposals. Terms grow only by approval, never silently on import, so the
 * code→id index below holds approved terms only.
 */
import { z } from 'zod'
import { audit } from '../../platform/audit.ts'
import type { Db } from '../../platform/db/database.ts'
import { AppError, notFound } from '../../platform/errors.ts'
import type { Locale } from '../../platform/i18n.ts'
import { can } from '../../platform/policy.ts'
import { text } from '../../platform/validation.ts'
import { REVIEW_CHRONICLE } from './policy.ts'
import type { Localised } from './tables.ts'

/** The vocabularies, in the order staff pages list them. */
export const vocabularies = ['event_type', 'act_type', 'region', 'article'] as const
/** One of `vocabularies`. */
export type Vocabulary = (typeof vocabularies)[number]
/** Where a term stands: usable (approved), waiting for review (proposed), or turned down. */
export type TermStatus = 'approved' | 'proposed' | 'rejected'
/** Extra facts of a term: a region's ISO code and kind, an article's code and number. */
export type TermExtra = Record<string, string | number | boolean>

/** A vocabulary term as the rest of the chronicle sees it. */
export type Term = {
  id: number
  vocabulary: Vocabulary
  code: string
  labels: Localised
  status: TermStatus
  extra: TermExtra
  proposedBy: string | null
  createdAt: Date
}

// The same shape the public filter accepts (filters.ts), so every term can be filtered on; ASCII only.
const codePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/

/** A proposed term, from the staff form or the JSON API: a code and a label in each language. */
export const proposeTermSchema = z.object({
  vocabulary: z.enum(vocabularies, { error: 'validation.invalid' }),
  code: text(40, { min: 1 }).pipe(z.string().regex(codePattern, 'chronicle.vocabulary.codeFormat')),
  label_ru: text(200, { min: 1 }),
  label_en: text(200, { min: 1 }),
  label_uk: text(200, { min: 1 }),
})
/** A checked proposal. */
export type ProposeTermInput = z.infer<typeof proposeTermSchema>

/** A decision on a proposed term. */
export const decideTermSchema = z.object({
  decision: z.enum(['approve', 'reject'], { error: 'validation.invalid' }),
})

/** The label of a term in `locale`, falling back to the other languages and then to its code. */
export function termLabel(term: { code: string; labels: Localised }, locale: Locale): string {
  return term.labels[locale] || term.labels.ru || term.labels.en || term.labels.uk || term.code
}

type Row = {
  id: number
  vocabulary: Vocabulary
  code: string
  labels: Localised
  status: TermStatus
  extra: TermExtra
  proposed_by: string | null
  created_at: Date
}

function present(row: Row): Term {
  return {
    id: row.id,
    vocabulary: row.vocabulary,
    code: row.code,
    labels: row.labels ?? {},
    status: row.status,
    extra: row.extra ?? {},
    proposedBy: row.proposed_by,
    createdAt: row.created_at,
  }
}

const columns = [
  'id',
  'vocabulary',
  'code',
  'labels',
  'status',
  'extra',
  'proposed_by',
  'created_at',
] as const

/** Sorts terms by their label in `locale` the way a reader of that language expects (ё, є, і, ї). */
export function sortByLabel<T extends { code: string; labels: Localised }>(terms: T[], locale: Locale): T[] {
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true })
  return terms.sort((a, b) => collator.compare(termLabel(a, locale), termLabel(b, locale)))
}

/**
 * The terms of one vocabulary with a status (approved unless asked), ordered by label in `locale`.
 * Vocabularies hold tens to a few hundred terms, so sorting in the app keeps the order right on any
 * database collation.
 */
export async function listTerms(
  db: Db,
  vocabulary: Vocabulary,
  locale: Locale,
  status: TermStatus = 'approved',
): Promise<Term[]> {
  const rows = await db
    .selectFrom('vocab_terms')
    .select(columns)
    .where('vocabulary', '=', vocabulary)
    .where('status', '=', status)
    .execute()
  return sortByLabel(rows.map(present), locale)
}

/** A proposed term with the name of who proposed it, for the review queue. */
export type ProposedTerm = Term & { proposerName: string | null }

/** Every proposed term waiting for a decision, oldest first. */
export async function listProposed(db: Db): Promise<ProposedTerm[]> {
  const rows = await db
    .selectFrom('vocab_terms as v')
    .leftJoin('users as u', 'u.id', 'v.proposed_by')
    .select(columns.map((column) => `v.${column}` as const))
    .select('u.display_name')
    .where('v.status', '=', 'proposed')
    .orderBy('v.created_at')
    .orderBy('v.id')
    .limit(1000)
    .execute()
  return rows.map((row) => ({ ...present(row), proposerName: row.display_name }))
}

/** One term of a vocabulary by its code, whatever its status; null if there is none. */
export async function findTerm(db: Db, vocabulary: Vocabulary, code: string): Promise<Term | null> {
  const row = await db
    .selectFrom('vocab_terms')
    .select(columns)
    .where('vocabulary', '=', vocabulary)
    .where('code', '=', code)
    .executeTakeFirst()
  return row ? present(row) : null
}

/** One term by id, whatever its status; null if there is none. */
export async function findTermById(db: Db, id: number): Promise<Term | null> {
  const row = await db.selectFrom('vocab_terms').select(columns).where('id', '=', id).executeTakeFirst()
  return row ? present(row) : null
}

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
 * Proposes a term; it is not usable (not in `termIndex`, not in any list of approved terms) until a
 * reviewer approves it. A code turned down before may be proposed again; any other existing code
 * is refused with ERR_TERM_EXISTS.
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
      .returning(columns)
      .executeTakeFirst()
    if (!inserted) throw new AppError('ERR_TERM_EXISTS', 409)
    await audit(trx, {
      actorId,
      action: 'vocabulary.term_proposed',
      target: String(inserted.id),
      detail: { vocabulary: input.vocabulary, code: input.code },
    })
    return inserted
  })
  return present(row)
}

/** Who decides: their id and roles, checked here as well as on the route. */
export type Reviewer = { id: string; roles: readonly string[] }

/**
 * Approves or rejects a proposed term. Only a holder of REVIEW_CHRONICLE may; anyone else, and a term
 * that does not exist, gets 404; a term already decided gets ERR_TERM_DECIDED.
 */
export async function decideTerm(
  db: Db,
  id: number,
  decision: 'approve' | 'reject',
  reviewer: Reviewer,
): Promise<Term> {
  if (!can(reviewer.roles, REVIEW_CHRONICLE)) throw notFound()
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
      .returning(columns)
      .executeTakeFirst()
    if (!updated) throw new AppError('ERR_TERM_DECIDED', 409)
    await audit(trx, {
      actorId: reviewer.id,
      action: decision === 'approve' ? 'vocabulary.term_approved' : 'vocabulary.term_rejected',
      target: String(id),
      detail: { vocabulary: updated.vocabulary, code: updated.code },
    })
    return updated
  })
  // After the commit: a reload before it could otherwise cache the old state again.
  invalidateTermIndex(db)
  return present(row)
}

/** Approved terms both ways: id by (vocabulary, code), and the term by id. */
export type TermIndex = {
  /** The id of an approved term, or undefined for an unknown, proposed or rejected code. */
  id(vocabulary: Vocabulary, code: string): number | undefined
  /** Approved terms by code, per vocabulary. */
  byCode: Record<Vocabulary, ReadonlyMap<string, Term>>
  /** Approved terms by id. */
  byId: ReadonlyMap<number, Term>
}

// Per database (tests run several apps in one process). Terms change rarely and only through the
// functions above, which invalidate; the age limit covers changes made by another app node.
const maxAgeMs = 30_000
const indexes = new WeakMap<Db, { at: number; index: Promise<TermIndex> }>()

async function loadIndex(db: Db): Promise<TermIndex> {
  const rows = await db.selectFrom('vocab_terms').select(columns).where('status', '=', 'approved').execute()
  const byCode = Object.fromEntries(vocabularies.map((v) => [v, new Map<string, Term>()])) as Record<
    Vocabulary,
    Map<string, Term>
  >
  const byId = new Map<number, Term>()
  for (const term of rows.map(present)) {
    byCode[term.vocabulary]?.set(term.code, term)
    byId.set(term.id, term)
  }
  return { id: (vocabulary, code) => byCode[vocabulary]?.get(code)?.id, byCode, byId }
}

/**
 * The approved terms, cached in this process for fast code→id and id→term lookups (imports,
 * filters, pages). `fresh` reloads first, for a caller that must see a term approved a moment ago.
 */
export function termIndex(db: Db, options: { fresh?: boolean } = {}): Promise<TermIndex> {
  const cached = indexes.get(db)
  if (cached && !options.fresh && Date.now() - cached.at < maxAgeMs) return cached.index
  const index = loadIndex(db)
  indexes.set(db, { at: Date.now(), index })
  // A failed load must not be served from the cache.
  index.catch(() => {
    if (indexes.get(db)?.index === index) indexes.delete(db)
  })
  return index
}

/** Drops the cached index of `db`; for code that changes vocab_terms directly (tests, seeds). */
export function invalidateTermIndex(db: Db): void {
  indexes.delete(db)
}
