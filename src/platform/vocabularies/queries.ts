/**
 * Reading vocabulary terms: the lists staff pages show, single terms, and the index of every term
 * that imports, filters and public pages look codes and ids up in.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import type { Locale } from '../i18n.ts'
import { sortByLabel, type Term, type TermStatus, type Vocabulary, vocabularies } from './terms.ts'

// A term as stored: its own fields, with who proposed it and when under their column names.
type Row = Omit<Term, 'proposedBy' | 'createdAt'> & { proposed_by: string | null; created_at: Date }

/** A stored row as a Term. */
export function presentTerm(row: Row): Term {
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

/** The columns a Term is made of. */
export const termColumns = [
  'id',
  'vocabulary',
  'code',
  'labels',
  'status',
  'extra',
  'proposed_by',
  'created_at',
] as const

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
  const index = await termIndex(db)
  const terms = [...index.byId.values()].filter((t) => t.vocabulary === vocabulary && t.status === status)
  return sortByLabel(terms, locale)
}

/** A proposed term with the name of who proposed it, for the review queue. */
export type ProposedTerm = Term & { proposerName: string | null }

/** Every proposed term waiting for a decision, oldest first. */
export async function listProposed(db: Db): Promise<ProposedTerm[]> {
  const rows = await db
    .selectFrom('vocab_terms as v')
    .leftJoin('users as u', 'u.id', 'v.proposed_by')
    .select(termColumns.map((column) => `v.${column}` as const))
    .select('u.display_name')
    .where('v.status', '=', 'proposed')
    .orderBy('v.created_at')
    .orderBy('v.id')
    .limit(1000)
    .execute()
  return rows.map((row) => ({ ...presentTerm(row), proposerName: row.display_name }))
}

/** One term of a vocabulary by its code, whatever its status; null if there is none. */
export async function findTerm(db: Db, vocabulary: Vocabulary, code: string): Promise<Term | null> {
  const row = await db
    .selectFrom('vocab_terms')
    .select(termColumns)
    .where('vocabulary', '=', vocabulary)
    .where('code', '=', code)
    .executeTakeFirst()
  return row ? presentTerm(row) : null
}

/** One term by id, whatever its status; null if there is none. */
export async function findTermById(db: Db, id: number): Promise<Term | null> {
  const row = await db.selectFrom('vocab_terms').select(termColumns).where('id', '=', id).executeTakeFirst()
  return row ? presentTerm(row) : null
}

/**
 * The approved terms of a vocabulary ordered by code in the database's collation, as the JSON API and
 * the event form have always listed them.
 */
export async function approvedTermsByCode(db: Db, vocabulary: Vocabulary) {
  return db
    .selectFrom('vocab_terms')
    .select(['id', 'code', 'labels', 'extra'])
    .where('vocabulary', '=', vocabulary)
    .where('status', '=', 'approved')
    .orderBy('code')
    .execute()
}

/** Every term, with the approved ones by code. */
export type TermIndex = {
  /** The id of an approved term, or undefined for an unknown, proposed or rejected code. */
  id(vocabulary: Vocabulary, code: string): number | undefined
  /** Approved terms by code, per vocabulary. */
  byCode: Record<Vocabulary, ReadonlyMap<string, Term>>
  /** Every term by id, whatever its status, in the order of vocabulary and code. */
  byId: ReadonlyMap<number, Term>
}

async function loadIndex(db: Db): Promise<TermIndex> {
  // Ordered by the database, as the public pages have always listed the options they build from it.
  const rows = await db
    .selectFrom('vocab_terms')
    .select(termColumns)
    .orderBy('vocabulary')
    .orderBy('code')
    .execute()
  const byCode = Object.fromEntries(vocabularies.map((v) => [v, new Map<string, Term>()])) as Record<
    Vocabulary,
    Map<string, Term>
  >
  const byId = new Map<number, Term>()
  for (const term of rows.map(presentTerm)) {
    if (term.status === 'approved') byCode[term.vocabulary]?.set(term.code, term)
    byId.set(term.id, term)
  }
  return { id: (vocabulary, code) => byCode[vocabulary]?.get(code)?.id, byCode, byId }
}

// What changes whenever a term is added, decided or proposed again, here or on another app node: one
// row a trigger rewrites on every statement that changes vocab_terms (migration vocab-terms-version),
// read at every use so no node serves terms older than the database's. Its xmin changes with each
// rewrite, a restore's too, so the stamp never repeats for other terms.
async function stampOf(db: Db): Promise<string> {
  const { rows } = await sql<{ stamp: string }>`
    SELECT xmin::text || '.' || version AS stamp FROM vocab_terms_version`.execute(db)
  // Without its row (deleted by hand) nothing tells a change: reload every time.
  return rows[0]?.stamp ?? randomUUID()
}

// Per database (tests run several apps in one process).
const indexes = new WeakMap<Db, { stamp: string; index: TermIndex }>()

/**
 * Every term, kept in this process for fast code→id and id→term lookups (imports, filters, pages)
 * and checked against the database at each call, so a term approved on another node is seen at once.
 * `fresh` reloads whatever the check says.
 */
export async function termIndex(db: Db, options: { fresh?: boolean } = {}): Promise<TermIndex> {
  // The stamp is read before the terms: a change between the two makes the next call reload, never
  // keeps old terms under a new stamp.
  const stamp = await stampOf(db)
  const cached = indexes.get(db)
  if (cached && !options.fresh && cached.stamp === stamp) return cached.index
  const index = await loadIndex(db)
  indexes.set(db, { stamp, index })
  return index
}

/** Drops the kept index of `db`: the next `termIndex` reloads. Called after every change of a term. */
export function invalidateTermIndex(db: Db): void {
  indexes.delete(db)
}
