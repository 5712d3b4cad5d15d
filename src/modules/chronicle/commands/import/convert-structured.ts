/**
 * The structured fields of a row: sources given whole and acts (with their person and case), as
 * Lifeline's exports write them. A CSV cell holds them as JSON text; NDJSON and JSON files hold the
 * values themselves. Each is checked against a schema, so a malformed one refuses the row with the
 * path of what is wrong, never lands half-read.
 */
import { z } from 'zod'
import { cell } from './cells.ts'
import type { CaseKind, DraftSource, RowContext } from './convert.ts'
import { resolveTerm } from './convert-parts.ts'
import { cleanText } from './text-rules.ts'

/** A person an act names, as the export showed them: named (with the source that allows it) or described. */
export type DraftPerson = {
  /** The export's key: acts sharing it are one person. */
  key: string | null
  kind: 'individual' | 'group'
  visibility: 'named' | 'anonymous'
  visibilitySource: string | null
  nameCyrillic: string | null
  nameLatin: string | null
  locality: string | null
  birthYear: number | null
  groupSize: number | null
}

/** A case an act belongs to, with its articles (and the part and paragraph charged). */
export type DraftCase = {
  key: string | null
  kind: CaseKind
  status: 'open' | 'closed' | 'appeal'
  outcome: 'fine' | 'term' | 'suspended' | 'acquitted' | 'dismissed' | 'other' | null
  court: string | null
  fineMinor: number | null
  termMonths: number | null
  articles: { articleId: number; part: string | null; paragraph: string | null }[]
}

/** What was done to whom within the event. */
export type DraftAct = { actTypeId: number; person: DraftPerson | null; case: DraftCase | null }

// Texts are checked by the import's own rules (cleanText) after the shape is.
const text = (max: number) => z.string().max(max).nullish()
const key = z.union([z.string().max(100), z.number().int()]).nullish()

const sourceIn = z
  .object({
    url: text(2000),
    description: text(2000),
    publisher: text(300),
    publishedOn: z.iso.date().nullish(),
    reliability: z.enum(['high', 'medium', 'low', 'unknown']).nullish(),
  })
  .strict()

const personIn = z.object({
  key,
  shown: z.enum(['named', 'anonymous']),
  kind: z.enum(['individual', 'group']).default('individual'),
  name: z
    .object({ ru: text(300), en: text(300), uk: text(300) })
    .strict()
    .nullish(),
  source: text(2000),
  locality: text(300),
  age: z.number().int().min(0).max(150).nullish(),
  groupSize: z.number().int().positive().nullish(),
})

const articlePartIn = z.object({ article: z.string().max(100), part: text(20), paragraph: text(20) }).strict()

const caseIn = z.object({
  key,
  kind: z.enum(['administrative', 'criminal']),
  status: z.enum(['open', 'closed', 'appeal']).default('open'),
  outcome: z.enum(['fine', 'term', 'suspended', 'acquitted', 'dismissed', 'other']).nullish(),
  court: text(300),
  fineMinor: z.number().int().min(0).nullish(),
  termMonths: z.number().int().min(0).nullish(),
  articles: z.array(z.string().max(100)).max(50).default([]),
  articleParts: z.array(articlePartIn).max(50).optional(),
})

const actIn = z.object({ type: z.string().max(100), person: personIn.nullish(), case: caseIn.nullish() })

// The field's value: JSON text is parsed; a parsed value (NDJSON, JSON) is taken as it is.
function structured(ctx: RowContext, field: 'sources' | 'acts'): unknown[] | null {
  const spec = ctx.mapping.fields[field]
  if (!spec?.column) return null
  const value = cell(ctx.cells, spec.column)
  if (value === undefined || value === null || value === '') return []
  let parsed: unknown = value
  if (typeof value === 'string')
    try {
      parsed = JSON.parse(value)
    } catch {
      ctx.fail(field, 'chronicle.import.error.jsonValue', value)
      return null
    }
  if (!Array.isArray(parsed)) {
    ctx.fail(field, 'chronicle.import.error.notList', JSON.stringify(parsed))
    return null
  }
  return parsed
}

// Where a value failed its schema, for the report: "2.case.fineMinor".
function failShape(ctx: RowContext, field: 'sources' | 'acts', index: number, error: z.ZodError) {
  const issue = error.issues[0]
  ctx.fail(field, 'chronicle.import.error.shape', [index + 1, ...(issue?.path ?? [])].join('.'))
}

// A text checked by the import's rules; null when empty or refused (the refusal is reported).
function checked(ctx: RowContext, field: 'sources' | 'acts', value: string | null | undefined, max: number) {
  if (!value) return null
  const result = cleanText(value, max, true)
  if (typeof result === 'object') {
    ctx.fail(field, result.error, value)
    return null
  }
  return result || null
}

/** The row's sources given whole (`sources` with `"json": true`), in file order. */
export function wholeSources(ctx: RowContext): DraftSource[] {
  const items = structured(ctx, 'sources') ?? []
  const found: DraftSource[] = []
  for (const [index, item] of items.entries()) {
    const parsed = sourceIn.safeParse(item)
    if (!parsed.success) {
      failShape(ctx, 'sources', index, parsed.error)
      continue
    }
    const source = parsed.data
    const url = checked(ctx, 'sources', source.url, 2000)
    if (url && !/^https?:\/\/\S+$/i.test(url)) {
      ctx.fail('sources', 'chronicle.import.error.url', url)
      continue
    }
    const description = checked(ctx, 'sources', source.description, 2000)
    if (!url && !description) {
      ctx.fail('sources', 'chronicle.import.error.sourceEmpty', String(index + 1))
      continue
    }
    found.push({
      url,
      description,
      publisher: checked(ctx, 'sources', source.publisher, 300),
      publishedOn: source.publishedOn ?? null,
      reliability: source.reliability ?? null,
    })
  }
  return found
}

function person(ctx: RowContext, input: z.infer<typeof personIn>, year: number): DraftPerson {
  const named = input.shown === 'named'
  const nameCyrillic = checked(ctx, 'acts', input.name?.ru ?? input.name?.uk, 300)
  const nameLatin = checked(ctx, 'acts', input.name?.en, 300)
  const source = checked(ctx, 'acts', input.source, 2000)
  // A name is public only with the source that allows it; without one the person stays described.
  if (named && !source) ctx.fail('acts', 'chronicle.import.error.namedWithoutSource', nameCyrillic ?? '')
  return {
    key: input.key === undefined || input.key === null ? null : String(input.key),
    kind: input.kind,
    visibility: named ? 'named' : 'anonymous',
    visibilitySource: named ? source : null,
    nameCyrillic: named ? nameCyrillic : null,
    nameLatin: named ? nameLatin : null,
    locality: named ? null : checked(ctx, 'acts', input.locality, 300),
    // The export gives an age at the event's year; the person's birth year gives the same age back.
    birthYear: !named && input.age !== undefined && input.age !== null ? year - input.age : null,
    groupSize: input.groupSize ?? null,
  }
}

function caseOf(ctx: RowContext, input: z.infer<typeof caseIn>): DraftCase {
  const parts =
    input.articleParts ?? input.articles.map((article) => ({ article, part: null, paragraph: null }))
  const articles: DraftCase['articles'] = []
  for (const item of parts) {
    const articleId = resolveTerm(ctx, 'acts', 'article', item.article)
    if (articleId === null || articles.some((article) => article.articleId === articleId)) continue
    articles.push({ articleId, part: item.part ?? null, paragraph: item.paragraph ?? null })
  }
  return {
    key: input.key === undefined || input.key === null ? null : String(input.key),
    kind: input.kind,
    status: input.status,
    outcome: input.outcome ?? null,
    court: checked(ctx, 'acts', input.court, 300),
    fineMinor: input.fineMinor ?? null,
    termMonths: input.termMonths ?? null,
    articles,
  }
}

/** The row's acts, each with its person (as the export showed them) and case; `year` dates ages. */
export function acts(ctx: RowContext, year: number): DraftAct[] | null {
  const items = structured(ctx, 'acts')
  if (items === null) return ctx.mapping.fields.acts ? [] : null
  const found: DraftAct[] = []
  for (const [index, item] of items.entries()) {
    const parsed = actIn.safeParse(item)
    if (!parsed.success) {
      failShape(ctx, 'acts', index, parsed.error)
      continue
    }
    const actTypeId = resolveTerm(ctx, 'acts', 'act_type', parsed.data.type)
    const draft = {
      person: parsed.data.person ? person(ctx, parsed.data.person, year) : null,
      case: parsed.data.case ? caseOf(ctx, parsed.data.case) : null,
    }
    if (actTypeId !== null) found.push({ actTypeId, ...draft })
  }
  return found
}
