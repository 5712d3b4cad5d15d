/**
 * The parts of converting a row that look values up: vocabulary terms, fixed choices (status,
 * precisions), yes/no flags, and the list fields (articles, sources).
 */
import { parseArticleNotation } from './article-notation.ts'
import { lookupValue, specItems, specValue } from './cells.ts'
import type { DraftArticle, DraftSource, ImportVocabulary, RowContext, UnknownTerm } from './convert.ts'
import type { FieldSpec, MappableField } from './mapping.ts'
import { cleanText } from './text-rules.ts'

/** A term's id for a file value (read through the value map), or null; unknown values are counted. */
export function resolveTerm(
  ctx: RowContext,
  field: UnknownTerm['field'],
  vocabulary: ImportVocabulary,
  raw: string,
  values?: FieldSpec['values'],
): number | null {
  const mapped = lookupValue(values, raw)
  if (mapped === null) return null // the mapping says: this value means "no term"
  if (raw.includes('\uFFFD')) {
    ctx.fail(field, 'chronicle.import.error.encoding', raw)
    return null
  }
  const code = typeof mapped === 'string' ? mapped : raw
  const id = ctx.terms.id(vocabulary, code)
  if (id !== undefined) return id
  ctx.unknown.push({ field, vocabulary, value: raw, code })
  if (!ctx.blankUnknown) ctx.fail(field, 'chronicle.import.error.unknownTerm', raw)
  return null
}

/** One of `allowed` (the file value or what the value map makes of it, in any case); null when empty. */
export function choice<T extends string>(
  ctx: RowContext,
  field: MappableField,
  allowed: readonly T[],
  errorKey: string,
): T | null {
  const spec = ctx.mapping.fields[field]
  if (!spec) return null
  const raw = specValue(spec, ctx.cells)
  if (!raw) return null
  const mapped = lookupValue(spec.values, raw)
  if (mapped === null) return null
  const wanted = (typeof mapped === 'string' ? mapped : raw).toLowerCase()
  const found = allowed.find((option) => option === wanted)
  if (found !== undefined && typeof mapped !== 'boolean') return found
  ctx.fail(field, errorKey, raw)
  return null
}

/** Yes, no or not known: from the value map, else true/yes/1 and false/no/0. */
export function flag(ctx: RowContext, field: 'authorised' | 'sensitive'): boolean | null {
  const spec = ctx.mapping.fields[field]
  if (!spec) return null
  const raw = specValue(spec, ctx.cells)
  if (!raw) return null
  const mapped = lookupValue(spec.values, raw)
  if (typeof mapped === 'boolean' || mapped === null) return mapped
  if (/^(true|yes|1)$/i.test(raw)) return true
  if (/^(false|no|0)$/i.test(raw)) return false
  ctx.fail(field, 'chronicle.import.error.unknownValue', raw)
  return null
}

// The act that ties an event to a case under an article: the charge of the article's kind.
const chargeOf = { administrative: 'administrative_charge', criminal: 'criminal_charge' } as const

/**
 * An article written as reports write it ("УК 318 ч.1"), when it is no code: the part's own term if
 * the vocabulary has one (koap-20.2.5), else the article's, with the part and paragraph kept.
 */
function writtenArticle(
  ctx: RowContext,
  item: string,
  values: FieldSpec['values'],
): { articleId: number; part: string | null; paragraph: string | null } | null {
  const mapped = lookupValue(values, item)
  const text = typeof mapped === 'string' ? mapped : item
  if (mapped === null || ctx.terms.id('article', text) !== undefined || !ctx.terms.article) return null
  const notation = parseArticleNotation(text)
  if (!notation) return null
  const ofPart = notation.part ? ctx.terms.article(notation.act, notation.number, notation.part) : undefined
  if (ofPart !== undefined) return { articleId: ofPart, part: null, paragraph: notation.paragraph }
  const ofArticle = ctx.terms.article(notation.act, notation.number, null)
  if (ofArticle === undefined) return null
  return { articleId: ofArticle, part: notation.part, paragraph: notation.paragraph }
}

/**
 * The article codes of a row, each an approved term, once each. An unknown code is counted like any
 * unknown vocabulary value and refuses the row (or, with blankUnknown, is left out); none is created.
 */
export function articles(ctx: RowContext): DraftArticle[] {
  const spec = ctx.mapping.fields.articles
  if (!spec) return []
  const found = new Map<number, DraftArticle>()
  for (const item of specItems(spec, ctx.cells)) {
    const written = writtenArticle(ctx, item, spec.values)
    const articleId = written ? written.articleId : resolveTerm(ctx, 'articles', 'article', item, spec.values)
    if (articleId === null || found.has(articleId)) continue
    const caseKind = ctx.terms.caseKind(articleId)
    if (!caseKind) {
      ctx.fail('articles', 'chronicle.import.error.articleKind', item)
      continue
    }
    const actTypeId = resolveTerm(ctx, 'articles', 'act_type', chargeOf[caseKind])
    if (actTypeId !== null)
      found.set(articleId, {
        articleId,
        caseKind,
        actTypeId,
        part: written?.part ?? null,
        paragraph: written?.paragraph ?? null,
      })
  }
  return [...found.values()]
}

const link = /^https?:\/\/[^\s]+$/i

/**
 * The row's sources, in file order: `sourceUrl` items must be links; `sources` items (what Lifeline's
 * export writes: a source's link, or its description when it has none) are links or descriptions.
 */
export function sources(ctx: RowContext): DraftSource[] {
  const found: DraftSource[] = []
  for (const field of ['sourceUrl', 'sources'] as const) {
    const spec = ctx.mapping.fields[field]
    if (!spec) continue
    for (const item of specItems(spec, ctx.cells)) {
      const checked = cleanText(item, 2000, field === 'sources')
      if (typeof checked === 'object') ctx.fail(field, checked.error, item)
      else if (link.test(checked)) found.push({ url: checked, description: null })
      else if (field === 'sources') found.push({ url: null, description: checked })
      else ctx.fail(field, 'chronicle.import.error.url', checked)
    }
  }
  return found
}
