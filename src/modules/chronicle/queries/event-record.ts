/**
 * An event as staff see and history records it: flat fields named like the form's, vocabulary terms
 * by code (a code reads the same in every version, an id does not), and its sources. History stores
 * differences between two such records; the conflict and compare pages show them field by field.
 */

import type { Precision } from '../../../platform/dates/precision.ts'
import type { Db } from '../../../platform/db/database.ts'
import * as versions from '../../../platform/history/versions.ts'
import type { Localised } from '../../../platform/localised.ts'
import { approvedTermsByCode } from '../../../platform/vocabularies/queries.ts'
import { type CountQualifier, factFields, textFields } from '../schema/event-fields.ts'
import type { EventFormInput } from '../schema/events.ts'
import { eventFactColumns, eventsWithTerms } from './events.ts'

/** A source as history keeps it. */
export type SourceSnapshot = {
  id: number
  url: string | null
  description: string | null
  publisher: string | null
  published_on: string | null
  reliability: string
}

/** Everything about an event that staff change, one value per field. */
export type EventRecord = {
  title_ru: string | null
  title_en: string | null
  title_uk: string | null
  summary_ru: string | null
  summary_en: string | null
  summary_uk: string | null
  type: string | null
  start_date: string | null
  start_precision: Precision
  end_date: string | null
  end_precision: Precision
  region: string | null
  /** ISO 3166-1 alpha-2. */
  country: string | null
  locality: string | null
  latitude: number | null
  longitude: number | null
  coord_precision: string | null
  participants: number | null
  detained: number | null
  participants_qualifier: CountQualifier
  detained_qualifier: CountQualifier
  authorised: 'yes' | 'no' | 'unknown'
  subject: string | null
  organisers: string | null
  sensitive: boolean
  status: 'reported' | 'verified' | 'disputed'
  published: boolean
  sources: SourceSnapshot[]
}

/** A record's field name. */
export type RecordField = keyof EventRecord

/** The fields in the order pages list them. */
export const recordFields: readonly RecordField[] = [
  ...textFields,
  'type',
  ...factFields,
  'participants_qualifier',
  'detained_qualifier',
  'sensitive',
  'status',
  'published',
  'sources',
]

/** What changed between two records: field → from, to. */
export type Changes = versions.Changes<RecordField>

/** The fields whose values differ, with both values. */
export function diffRecords(before: Partial<EventRecord>, after: Partial<EventRecord>): Changes {
  return versions.diffRecords(recordFields, before, after)
}

/** An event as staff work on it: its record plus what pages need besides. */
export type StaffEvent = {
  id: number
  version: number
  record: EventRecord
  updatedBy: string | null
  updatedAt: Date
  publishedAt: Date | null
  externalSource: string | null
  /** The event it was merged into, or null: a merged event only redirects there. */
  mergedInto: number | null
}

const toAuthorised = (value: boolean | null) => (value === null ? 'unknown' : value ? 'yes' : 'no')

/** Loads an event with its terms' codes and sources, or null; `forUpdate` locks the row. */
export async function loadEvent(db: Db, id: number, options: { forUpdate?: boolean } = {}) {
  let query = eventsWithTerms(db)
    .select([
      'e.id',
      'e.version',
      'e.title',
      'e.summary',
      't.code as type',
      'r.code as region',
      'c.code as country',
      ...eventFactColumns,
      'e.updated_by',
      'e.updated_at',
      'e.external_source',
      'e.merged_into',
    ])
    .where('e.id', '=', id)
  if (options.forUpdate) query = query.forUpdate('e')
  const row = await query.executeTakeFirst()
  if (!row) return null
  const sources = await db
    .selectFrom('chronicle_sources')
    .select(['id', 'url', 'description', 'publisher', 'published_on', 'reliability'])
    .where('event_id', '=', id)
    .orderBy('id')
    .execute()
  const title = (row.title ?? {}) as Localised
  const summary = (row.summary ?? {}) as Localised
  const record: EventRecord = {
    title_ru: title.ru ?? null,
    title_en: title.en ?? null,
    title_uk: title.uk ?? null,
    summary_ru: summary.ru ?? null,
    summary_en: summary.en ?? null,
    summary_uk: summary.uk ?? null,
    type: row.type,
    start_date: row.start_date,
    start_precision: row.start_precision,
    end_date: row.end_date,
    end_precision: row.end_precision,
    region: row.region,
    country: row.country,
    locality: row.locality,
    latitude: row.latitude,
    longitude: row.longitude,
    coord_precision: row.coord_precision,
    participants: row.participants,
    detained: row.detained,
    participants_qualifier: row.participants_qualifier,
    detained_qualifier: row.detained_qualifier,
    authorised: toAuthorised(row.authorised),
    subject: row.subject,
    organisers: row.organisers,
    sensitive: row.sensitive,
    status: row.status,
    published: row.published_at !== null,
    sources,
  }
  const event: StaffEvent = {
    id: row.id,
    version: row.version,
    record,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
    externalSource: row.external_source,
    mergedInto: row.merged_into === null ? null : Number(row.merged_into),
  }
  return event
}

/**
 * How each count of an input is known: as sent, else as the event has it (`current`), else exact; a
 * count left empty is exact, so no qualifier outlives its number.
 */
export function inputQualifiers(
  input: EventFormInput,
  current?: Pick<EventRecord, 'participants_qualifier' | 'detained_qualifier'>,
): Pick<EventRecord, 'participants_qualifier' | 'detained_qualifier'> {
  const qualifier = (count: 'participants' | 'detained'): CountQualifier =>
    input[count] === null
      ? 'exact'
      : (input[`${count}_qualifier`] ?? current?.[`${count}_qualifier`] ?? 'exact')
  return { participants_qualifier: qualifier('participants'), detained_qualifier: qualifier('detained') }
}

/** The record fields an edit sets, from the form's input (`current`: the event it edits, if any). */
export function inputRecord(input: EventFormInput, current?: EventRecord): Partial<EventRecord> {
  return {
    ...inputQualifiers(input, current),
    title_ru: input.title_ru || null,
    title_en: input.title_en || null,
    title_uk: input.title_uk || null,
    summary_ru: input.summary_ru || null,
    summary_en: input.summary_en || null,
    summary_uk: input.summary_uk || null,
    type: input.type,
    start_date: input.start_date,
    start_precision: input.start_precision,
    end_date: input.end_date,
    end_precision: input.end_precision,
    region: input.region,
    country: input.country ?? null,
    locality: input.locality,
    latitude: input.latitude,
    longitude: input.longitude,
    coord_precision: input.coord_precision,
    participants: input.participants,
    detained: input.detained,
    authorised: input.authorised,
    subject: input.subject,
    organisers: input.organisers,
    sensitive: input.sensitive,
  }
}

/** The form's values (all text) for a record, to fill the edit form. */
export function recordValues(record: EventRecord): Record<string, string> {
  const values: Record<string, string> = {}
  for (const name of recordFields) {
    const value = record[name]
    if (name === 'sources' || name === 'status' || name === 'published') continue
    if (name === 'sensitive') values[name] = value ? '1' : ''
    else values[name] = value === null || value === undefined ? '' : String(value)
  }
  return values
}

/** The approved terms of a vocabulary, by code, with their labels: the event form's choices. */
export async function approvedTerms(db: Db, vocabulary: 'event_type' | 'region') {
  return approvedTermsByCode(db, vocabulary)
}

/** A term's id by code, only if approved; null for an unknown or unapproved code. */
export async function approvedTermId(
  db: Db,
  vocabulary: 'event_type' | 'region',
  code: string,
): Promise<number | null> {
  const row = await db
    .selectFrom('vocab_terms')
    .select('id')
    .where('vocabulary', '=', vocabulary)
    .where('code', '=', code)
    .where('status', '=', 'approved')
    .executeTakeFirst()
  return row?.id ?? null
}
