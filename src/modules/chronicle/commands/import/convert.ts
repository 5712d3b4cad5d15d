/**
 * One file row → one event, by a mapping. Pure: no database, so a dry run and a real run check rows
 * the same way, and tests need no store. Vocabulary codes resolve through the `terms` lookup given.
 */
import { createHash } from 'node:crypto'
import { atPrecision, type Precision, precisions } from '../../../../platform/dates/precision.ts'
import type { Localised } from '../../../../platform/localised.ts'
import { ageYear } from '../../present/public.ts'
import { type CountQualifier, countQualifiers } from '../../schema/event-fields.ts'
import type { ArticleFinder } from './article-notation.ts'
import { type FileRow, lookupValue, specValue, structuredColumn, unescapeFormulas } from './cells.ts'
import { articles, choice, flag, resolveTerm, sources } from './convert-parts.ts'
import { acts, type DraftAct, wholeSources } from './convert-structured.ts'
import { type CountryFinder, importCountry } from './country-names.ts'
import { type Count, parseCount } from './counts.ts'
import { dateFormats, parseDateAny, precisionAgrees } from './dates.ts'
import { type FieldSpec, jsonFields, listFields, type MappableField, type Mapping } from './mapping.ts'
import { cleanText } from './text-rules.ts'

export type { FileRow } from './cells.ts'

/**
 * Something wrong (or worth a look) in one row, or (row 0) in the file as a whole. `key` is an i18n
 * key under chronicle.import.
 */
export type RowIssue = { row: number; column: string | null; field?: string; key: string; value?: string }

/** The vocabularies an import looks codes up in. */
export type ImportVocabulary = 'event_type' | 'region' | 'article' | 'act_type'

/** A value that maps to no approved vocabulary term. */
export type UnknownTerm = {
  field: 'type' | 'region' | 'articles' | 'acts'
  vocabulary: ImportVocabulary
  value: string
  code: string
}

/** Whether a case is administrative (КоАП) or criminal (УК). */
export type CaseKind = 'administrative' | 'criminal'

/**
 * An article an imported event is linked to. Articles belong to cases, and cases to events through
 * acts, so each is written as a case of its kind under the article, charged in the event.
 */
export type DraftArticle = {
  articleId: number
  caseKind: CaseKind
  actTypeId: number
  /** The part ("ч. 1") and paragraph ("п. а") the file named, when the vocabulary has no term for them. */
  part: string | null
  paragraph: string | null
}

/**
 * A source given in the row: a link, or a description of a source without one; given whole (a JSON
 * source), also its publisher, date and reliability, which otherwise come from the mapping's source.
 */
export type DraftSource = {
  url: string | null
  description: string | null
  publisher?: string | null
  publishedOn?: string | null
  reliability?: 'high' | 'medium' | 'low' | 'unknown' | null
}

/** Review statuses an imported row may carry. */
export const statuses = ['reported', 'verified', 'disputed'] as const
const coordPrecisions = ['exact', 'street', 'locality', 'region'] as const

/** An event ready to insert, with everything the row held. */
export type EventDraft = {
  externalId: string
  title: Localised
  summary: Localised
  typeId: number | null
  status: (typeof statuses)[number]
  startDate: string | null
  startPrecision: Precision
  endDate: string | null
  endPrecision: Precision
  regionId: number | null
  countryId: number | null
  locality: string | null
  latitude: number | null
  longitude: number | null
  coordPrecision: (typeof coordPrecisions)[number] | null
  participants: number | null
  participantsQualifier: CountQualifier
  detained: number | null
  detainedQualifier: CountQualifier
  authorised: boolean | null
  subject: string | null
  organisers: string | null
  sensitive: boolean
  articles: DraftArticle[]
  sources: DraftSource[]
  /** The acts given whole (the mapping has `acts`), or null: then only `articles` link cases. */
  acts: DraftAct[] | null
  raw: FileRow
}

/** Approved terms: ids by vocabulary and code, and the kind of case each article belongs to. */
export type TermLookup = {
  id: (vocabulary: ImportVocabulary, code: string) => number | undefined
  caseKind: (articleId: number) => CaseKind | null
  /** Article terms by act, number and part, for articles written as "УК 318 ч.1". */
  article?: ArticleFinder
  /** Countries by code or name (country-names.ts). */
  country?: CountryFinder
  /** The id of a region's country. */
  regionCountry?: (regionId: number) => number | null
}

/** What converting a row gives: an event (when no error), errors, warnings, unknown terms. */
export type Converted = {
  draft: EventDraft | null
  errors: RowIssue[]
  warnings: RowIssue[]
  unknown: UnknownTerm[]
}

/** What the converters of one row share: the mapping, the row's cells, and where problems go. */
export type RowContext = {
  mapping: Mapping
  cells: FileRow
  terms: TermLookup
  blankUnknown: boolean
  unknown: UnknownTerm[]
  fail: (field: MappableField, key: string, value?: string) => void
}

// The limits are the staff form's or looser, so whatever Lifeline itself exports imports back.
const textLimits: Partial<Record<MappableField, { max: number; multiline?: boolean }>> = {
  externalId: { max: 200 },
  'title.ru': { max: 500 },
  'title.en': { max: 500 },
  'title.uk': { max: 500 },
  'summary.ru': { max: 20_000, multiline: true },
  'summary.en': { max: 20_000, multiline: true },
  'summary.uk': { max: 20_000, multiline: true },
  locality: { max: 300 },
  subject: { max: 1000, multiline: true },
  organisers: { max: 1000, multiline: true },
}

const formulaLike = /^[=+@\t\r]|^-(?![\d.,\s]*$)/
const markupLike = /<\/?[a-z!?][^>]*>?|javascript:/i

/** Per-cell warnings: markup and spreadsheet-formula-looking text are stored as text, but flagged. */
function cellWarnings(row: FileRow, rowNumber: number, warnings: RowIssue[]) {
  for (const [column, value] of Object.entries(row)) {
    if (typeof value !== 'string' || value === '') continue
    if (formulaLike.test(value))
      warnings.push({
        row: rowNumber,
        column,
        key: 'chronicle.import.warning.formula',
        value: value.slice(0, 80),
      })
    if (markupLike.test(value))
      warnings.push({
        row: rowNumber,
        column,
        key: 'chronicle.import.warning.markup',
        value: value.slice(0, 80),
      })
  }
}

/** A stable id for a row whose file has no id column: the same row always gets the same id. */
function rowHash(row: FileRow): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(row)).digest('hex').slice(0, 32)}`
}

/** Converts one row. `rowNumber` counts data rows from 1; `blankUnknown` empties unmapped terms instead of refusing the row. */
export function convertRow(
  mapping: Mapping,
  row: FileRow,
  rowNumber: number,
  terms: TermLookup,
  options: { blankUnknown?: boolean } = {},
): Converted {
  const errors: RowIssue[] = []
  const warnings: RowIssue[] = []
  const cells = mapping.unescapeFormulas ? unescapeFormulas(row) : row
  const ctx: RowContext = {
    mapping,
    cells,
    terms,
    blankUnknown: !!options.blankUnknown,
    unknown: [],
    fail: (field, key, value) =>
      errors.push({
        row: rowNumber,
        column: mapping.fields[field]?.column ?? null,
        field,
        key,
        ...(value !== undefined ? { value: value.slice(0, 80) } : {}),
      }),
  }
  const { fail } = ctx
  cellWarnings(cells, rowNumber, warnings)
  // An object where text is wanted would be stored as JSON text: the row is refused instead.
  const refused = new Set<string>()
  for (const [field, spec] of Object.entries(mapping.fields) as [MappableField, FieldSpec][]) {
    if ((jsonFields as readonly string[]).includes(field) && (field === 'acts' || spec.json)) continue
    const column = structuredColumn(spec, cells, (listFields as readonly string[]).includes(field))
    if (column === null) continue
    refused.add(field)
    errors.push({ row: rowNumber, column, field, key: 'chronicle.import.error.notText' })
  }

  const texts: Partial<Record<MappableField, string | null>> = {}
  for (const [field, limit] of Object.entries(textLimits) as [
    MappableField,
    { max: number; multiline?: boolean },
  ][]) {
    const spec = mapping.fields[field]
    if (!spec) continue
    const raw = specValue(spec, cells)
    const checked = cleanText(raw, limit.max, limit.multiline)
    if (typeof checked === 'object') fail(field, checked.error, raw)
    else texts[field] = checked || null
  }

  const term = (field: 'type' | 'region', vocabulary: 'event_type' | 'region'): number | null => {
    const spec = mapping.fields[field]
    const raw = spec ? specValue(spec, cells) : ''
    return raw ? resolveTerm(ctx, field, vocabulary, raw, spec?.values) : null
  }

  // A precision from its own column wins over the date spec's and over what the date format holds.
  const date = (
    field: 'startDate' | 'endDate',
    precisionField: 'startPrecision' | 'endPrecision',
  ): { date: string | null; precision: Precision } => {
    const given = choice(ctx, precisionField, precisions, 'chronicle.import.error.precision')
    const spec = mapping.fields[field]
    const raw = spec ? specValue(spec, cells) : ''
    if (!spec || !raw) {
      if (given && given !== 'unknown')
        fail(precisionField, 'chronicle.import.error.precisionWithoutDate', given)
      return { date: null, precision: 'unknown' }
    }
    const parsed = parseDateAny(raw, dateFormats(spec.format))
    if (!parsed) {
      fail(field, 'chronicle.import.error.date', raw)
      return { date: null, precision: 'unknown' }
    }
    if (given === 'unknown') fail(precisionField, 'chronicle.import.error.precisionWithDate', given)
    const precision = given ?? spec.precision ?? parsed.precision
    // "2022-03" stated as known to the day would invent a day: the row is reported, not guessed.
    if (precision !== 'unknown' && !precisionAgrees(precision, parsed.precision))
      fail(
        given ? precisionField : field,
        'chronicle.import.error.precisionDisagrees',
        `${raw} (${parsed.format}) ≠ ${precision}`,
      )
    return { date: atPrecision(parsed.date, precision), precision }
  }

  // Coordinates: a plain decimal, with a point or a comma.
  const coordinate = (field: 'latitude' | 'longitude'): number | null => {
    const spec = mapping.fields[field]
    if (!spec) return null
    const raw = specValue(spec, cells).replace(/[\s\u00a0\u202f]/g, '')
    if (!raw) return null
    const value = Number(raw.replace(',', '.'))
    const limit = field === 'latitude' ? 90 : 180
    if (!/^-?\d+([.,]\d+)?$/.test(raw) || Math.abs(value) > limit) {
      fail(field, 'chronicle.import.error.number', raw)
      return null
    }
    return value
  }

  // Counts as reports write them ("1000+", "около 200", "десятки"), after the value map if any.
  const count = (field: 'participants' | 'detained'): Count | null => {
    const spec = mapping.fields[field]
    if (!spec) return null
    const raw = specValue(spec, cells)
    if (!raw) return null
    const mapped = lookupValue(spec.values, raw)
    if (mapped === null) return null
    const parsed = typeof mapped === 'boolean' ? null : parseCount(mapped ?? raw)
    // A qualifier column (as Lifeline's export writes one) says how the figure is known.
    const qualifier = choice(
      ctx,
      field === 'participants' ? 'participantsQualifier' : 'detainedQualifier',
      countQualifiers,
      'chronicle.import.error.qualifier',
    )
    if (parsed && qualifier) parsed.qualifier = qualifier
    if (!parsed) {
      fail(field, 'chronicle.import.error.count', raw)
      return null
    }
    if (parsed.fromWord && mapped === undefined)
      warnings.push({
        row: rowNumber,
        column: spec.column ?? null,
        field,
        key: 'chronicle.import.warning.countFromWord',
        value: `${raw} → ${parsed.value} (${parsed.qualifier})`,
      })
    return { value: parsed.value, qualifier: parsed.qualifier }
  }

  const start = date('startDate', 'startPrecision')
  const end = date('endDate', 'endPrecision')
  if (start.date && end.date && end.date < start.date)
    fail('endDate', 'chronicle.import.error.endBeforeStart')
  const status = choice(ctx, 'status', statuses, 'chronicle.import.error.status') ?? mapping.status
  const latitude = coordinate('latitude')
  const longitude = coordinate('longitude')
  const participants = count('participants')
  const detained = count('detained')
  const regionId = term('region', 'region')
  const countryId = importCountry(ctx, regionId, Boolean(texts.locality) || latitude !== null)
  const coordPrecision = choice(
    ctx,
    'coordPrecision',
    coordPrecisions,
    'chronicle.import.error.coordPrecision',
  )
  const draft: EventDraft = {
    externalId: texts.externalId ?? rowHash(row),
    title: localised(texts, 'title'),
    summary: localised(texts, 'summary'),
    typeId: term('type', 'event_type'),
    status,
    startDate: start.date,
    startPrecision: start.precision,
    endDate: end.date,
    endPrecision: end.precision,
    regionId,
    countryId,
    locality: texts.locality ?? null,
    latitude,
    longitude,
    coordPrecision,
    participants: participants?.value ?? null,
    participantsQualifier: participants?.qualifier ?? 'exact',
    detained: detained?.value ?? null,
    detainedQualifier: detained?.qualifier ?? 'exact',
    authorised: flag(ctx, 'authorised'),
    subject: texts.subject ?? null,
    organisers: texts.organisers ?? null,
    sensitive: flag(ctx, 'sensitive') ?? false,
    articles: articles(ctx),
    sources: mapping.fields.sources?.json
      ? [...sources({ ...ctx, mapping: withoutSources(mapping) }), ...wholeSources(ctx)]
      : sources(ctx),
    acts: acts(ctx, ageYear(start.date)),
    raw: row,
  }
  const failed = new Set([...errors.map((error) => error.field), ...refused])
  // Public outputs show coordinates only as a pair, so one alone would silently vanish.
  const coordinatesRead = !failed.has('latitude') && !failed.has('longitude')
  if ((latitude === null) !== (longitude === null) && coordinatesRead)
    fail(latitude === null ? 'latitude' : 'longitude', 'chronicle.import.error.coordinatesPair')
  if (coordPrecision && latitude === null && longitude === null && coordinatesRead)
    fail('coordPrecision', 'chronicle.import.error.coordinatesNeeded', coordPrecision)
  if (mapping.fields.externalId && !texts.externalId && !failed.has('externalId'))
    fail('externalId', 'chronicle.import.error.externalIdMissing')
  if (!Object.keys(draft.title).length && ![...failed].some((field) => field?.startsWith('title.')))
    errors.push({ row: rowNumber, column: null, key: 'chronicle.import.error.titleMissing' })
  return { draft: errors.length ? null : draft, errors, warnings, unknown: ctx.unknown }
}

// The mapping without `sources`, so the plain reader takes only `sourceUrl` when `sources` is JSON.
function withoutSources(mapping: Mapping): Mapping {
  const { sources: _json, ...fields } = mapping.fields
  return { ...mapping, fields }
}

function localised(
  texts: Partial<Record<MappableField, string | null>>,
  prefix: 'title' | 'summary',
): Localised {
  const out: Localised = {}
  for (const language of ['ru', 'en', 'uk'] as const) {
    const value = texts[`${prefix}.${language}`]
    if (value) out[language] = value
  }
  return out
}
