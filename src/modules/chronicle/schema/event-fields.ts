/**
 * An event's fields as flat names, the same wherever an event is one row of named values: the staff
 * form and its history record (queries/event-record.ts) and the CSV export (present/export-formats.ts), whose
 * columns the import's mapping for a re-import reads back.
 */

/** Title and summary, one field per language. */
export const textFields = [
  'title_ru',
  'title_en',
  'title_uk',
  'summary_ru',
  'summary_en',
  'summary_uk',
] as const

/** When, where and how many, in the order forms and files list them. */
export const factFields = [
  'start_date',
  'start_precision',
  'end_date',
  'end_precision',
  'region',
  'country',
  'locality',
  'latitude',
  'longitude',
  'coord_precision',
  'participants',
  'detained',
  'authorised',
  'subject',
  'organisers',
] as const

/**
 * How a count is known: an exact figure, a lower bound ("1000+", "более 50"), or an estimate
 * ("около 200"). Stored beside each count (`participants_qualifier`, `detained_qualifier`).
 */
export const countQualifiers = ['exact', 'at_least', 'about'] as const
/** One of `countQualifiers`. */
export type CountQualifier = (typeof countQualifiers)[number]
