import { z } from 'zod'
import type { Db } from '../../../../platform/db/database.ts'
import type { T } from '../../../../platform/i18n.ts'
import { issueMessage, type Message } from '../../../../platform/validation.ts'
import type { RowIssue } from './convert.ts'

/** The event fields a mapping can fill. */
export const mappableFields = [
  'externalId',
  'title.ru',
  'title.en',
  'title.uk',
  'summary.ru',
  'summary.en',
  'summary.uk',
  'type',
  'startDate',
  'endDate',
  'region',
  'country',
  'locality',
  'latitude',
  'longitude',
  'participants',
  'detained',
  'authorised',
  'subject',
  'organisers',
  'sourceUrl',
  'status',
  'startPrecision',
  'endPrecision',
  'coordPrecision',
  'sensitive',
  'articles',
  'sources',
  'participantsQualifier',
  'detainedQualifier',
  'acts',
] as const
/** One of `mappableFields`. */
export type MappableField = (typeof mappableFields)[number]

/**
 * The fields whose cell may hold several values: source links (`sourceUrl`), sources given as a link
 * or else a description (`sources`), and article codes (`articles`).
 */
export const listFields = ['sourceUrl', 'sources', 'articles'] as const satisfies MappableField[]

/**
 * The fields whose value is structured JSON: `sources` given whole (with `"json": true`: objects with
 * url, description, publisher, publishedOn, reliability) and `acts` (always JSON: what Lifeline's
 * export writes). In a CSV cell the JSON is text; in NDJSON and JSON files it is the value itself.
 */
export const jsonFields = ['sources', 'acts'] as const satisfies MappableField[]

/**
 * The fields a value map applies to: terms (type, region, articles), fixed choices (status,
 * precisions), yes/no flags, and counts ("десятки": "20+"). The others are free text, dates, links
 * and ids, whose values are kept as given.
 */
export const valueMapFields = [
  'type',
  'region',
  'country',
  'articles',
  'status',
  'startPrecision',
  'endPrecision',
  'coordPrecision',
  'authorised',
  'sensitive',
  'participants',
  'detained',
  'participantsQualifier',
  'detainedQualifier',
] as const satisfies MappableField[]

const name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'chronicle.import.mapping.badName')

// A value map: file value → term code (vocabularies) or true/false (authorised). Keys compare trimmed
// and case-insensitively, so 'Пикет ' and 'пикет' are the same file value.
const valueMap = z.record(z.string().max(500), z.union([z.string().max(100), z.boolean(), z.null()]))

const dateFormat = z.string().max(40).regex(/yyyy/, 'chronicle.import.mapping.badDateFormat')

/** Where one field's value comes from: a column, a constant, or a template of columns. */
const fieldSpec = z
  .object({
    column: z.string().min(1).max(200).optional(),
    constant: z.union([z.string().max(2000), z.number(), z.boolean()]).optional(),
    /** Text with `{column}` placeholders, e.g. "{type}: {subject}". */
    template: z.string().min(1).max(2000).optional(),
    values: valueMap.optional(),
    /**
     * Dates: dd, mm and yyyy with any separators, e.g. 'dd.mm.yyyy', 'yyyy-mm-dd', 'mm.yyyy', 'yyyy';
     * or a list of them, tried in order, when a column mixes precisions.
     */
    format: z.union([dateFormat, z.array(dateFormat).min(1).max(10)]).optional(),
    /** Dates: how exactly they are known; by default what the matching format holds (day, month or year). */
    precision: z.enum(['day', 'month', 'year', 'unknown']).optional(),
    /** List fields: what separates the items in a cell, e.g. " | " (a JSON array needs none). */
    separator: z.string().min(1).max(10).optional(),
    /** `sources`: each item is a whole source object (url, description, publisher, publishedOn, reliability). */
    json: z.boolean().optional(),
  })
  .strict()
  .refine(
    (spec) => [spec.column, spec.constant, spec.template].filter((part) => part !== undefined).length === 1,
    'chronicle.import.mapping.oneSource',
  )
/** Where one field's value comes from. */
export type FieldSpec = z.infer<typeof fieldSpec>

/** A whole mapping. */
export const mappingSchema = z
  .object({
    name,
    description: z.string().max(2000).optional(),
    /** csv; ndjson (one JSON object per line); json (one array of objects, as Lifeline's JSON export). */
    format: z.enum(['csv', 'ndjson', 'json']).default('csv'),
    /** The file's character encoding; anything the WHATWG Encoding Standard knows (utf-8, windows-1251, koi8-r…). */
    encoding: z.string().max(40).default('utf-8'),
    delimiter: z.string().min(1).max(1).default(','),
    /**
     * The file comes from a spreadsheet-safe exporter such as Lifeline's own, which puts an apostrophe
     * before a text cell starting with = + - @, tab or carriage return: the apostrophe is dropped again.
     */
    unescapeFormulas: z.boolean().default(false),
    /** Names where the events come from; with the external id it makes re-imports update, not duplicate. */
    externalSource: z.string().trim().min(1).max(200),
    /** The source every imported event gets (every event needs at least one). */
    source: z
      .object({
        description: z.string().max(2000).optional(),
        url: z.url().max(2000).optional(),
        publisher: z.string().max(300).optional(),
        publishedOn: z.iso.date().optional(),
        reliability: z.enum(['high', 'medium', 'low', 'unknown']).default('unknown'),
      })
      .strict()
      .refine((source) => source.description || source.url, 'chronicle.import.mapping.sourceNeeded'),
    /** Every event's status, or the default for rows whose mapped status cell is empty. */
    status: z.enum(['reported', 'verified']).default('reported'),
    /** Publish the events whose status allows it (verified or disputed). */
    publish: z.boolean().default(false),
    fields: z.partialRecord(z.enum(mappableFields), fieldSpec),
  })
  .strict()
  .refine(
    (mapping) => !mapping.publish || mapping.status === 'verified' || mapping.fields.status !== undefined,
    {
      message: 'chronicle.import.mapping.publishNeedsVerified',
      path: ['publish'],
    },
  )
  .refine((mapping) => Object.keys(mapping.fields).some((field) => field.startsWith('title.')), {
    message: 'chronicle.import.mapping.titleNeeded',
    path: ['fields'],
  })
  .superRefine((mapping, ctx) => {
    for (const [field, spec] of Object.entries(mapping.fields)) {
      // A value map on free text, a date, a link or an id would be read nowhere: say so, don't ignore it.
      if (spec?.values !== undefined && !(valueMapFields as readonly string[]).includes(field))
        ctx.addIssue({
          code: 'custom',
          path: ['fields', field, 'values'],
          message: 'chronicle.import.mapping.valuesNotApplicable',
        })
      if (spec?.separator !== undefined && !(listFields as readonly string[]).includes(field))
        ctx.addIssue({
          code: 'custom',
          path: ['fields', field, 'separator'],
          message: 'chronicle.import.mapping.notAList',
        })
      if (spec?.json !== undefined && !(jsonFields as readonly string[]).includes(field))
        ctx.addIssue({
          code: 'custom',
          path: ['fields', field, 'json'],
          message: 'chronicle.import.mapping.jsonNotApplicable',
        })
    }
  })
/** A validated mapping. */
export type Mapping = z.infer<typeof mappingSchema>

/** One thing wrong with a mapping: where (a dotted path, or "(mapping)"), and what, to translate. */
export type MappingProblem = Message & { path: string }

/** A mapping that did not validate: its first problems. */
export class MappingError extends Error {
  readonly problems: MappingProblem[]
  constructor(problems: MappingProblem[]) {
    super(`Invalid mapping: ${problems.map((problem) => `${problem.path}: ${problem.key}`).join('; ')}`)
    this.problems = problems
  }
}

/** A mapping's problems in words, as "path: message" lines in the reader's language. */
export function describeProblems(t: T, problems: MappingProblem[]): string[] {
  return problems.map((problem) => `${problem.path}: ${t(problem.key, problem.values)}`)
}

/** Validates a parsed JSON mapping, or throws MappingError. */
export function parseMapping(input: unknown): Mapping {
  // With the input reported, a missing value reads "required" rather than "must be text".
  const result = mappingSchema.safeParse(input, { reportInput: true })
  if (result.success) return result.data
  throw new MappingError(
    result.error.issues
      .slice(0, 20)
      .map((issue) => ({ path: issue.path.join('.') || '(mapping)', ...issueMessage(issue) })),
  )
}

/** Parses and validates mapping JSON text. */
export function parseMappingText(text: string): Mapping {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new MappingError([{ path: '(mapping)', key: 'chronicle.import.mapping.notJson' }])
  }
  return parseMapping(json)
}

/** Saves (or replaces) a mapping under its name. */
export async function saveMapping(db: Db, mapping: Mapping, actorId: string | null): Promise<void> {
  await db
    .insertInto('chronicle_mappings')
    .values({ name: mapping.name, mapping: JSON.stringify(mapping), created_by: actorId })
    .onConflict((oc) => oc.column('name').doUpdateSet({ mapping: JSON.stringify(mapping) }))
    .execute()
}

/**
 * What a dry run says about the file as a whole (row 0). Without an id column each row's id is a hash
 * of its content, so a row edited in the file and imported again is a new row, not an update.
 */
export function mappingWarnings(mapping: Mapping): RowIssue[] {
  if (mapping.fields.externalId) return []
  return [{ row: 0, column: null, field: 'externalId', key: 'chronicle.import.warning.noStableId' }]
}
