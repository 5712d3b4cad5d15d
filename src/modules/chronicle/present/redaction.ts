/**
 * The one step every public output goes through (pages, API, feeds, exports, charts): it drops what
 * may not be public. A withheld person never appears; an anonymous one appears only as a description;
 * a sensitive event's place is blurred to its locality (its region and country, coarser still, stay:
 * abroad, where there is often no region, that is the town and the country) and its dates (its sources', and when it was
 * published and changed, too) to the month.
 * Filters and orders match that blurred date through the stored `public_date` (see queries/filters.ts).
 */
import { sql } from 'kysely'
import type { Precision } from '../../../platform/dates/precision.ts'
import type { Localised } from '../../../platform/localised.ts'
import { blurDate, blurredPrecision, blurTime } from '../../../platform/redaction/dates.ts'

/** An event as stored, with what redaction needs. */
export type EventForRedaction = {
  start_date: string | null
  start_precision: Precision
  end_date: string | null
  end_precision: Precision
  locality: string | null
  latitude: number | null
  longitude: number | null
  coord_precision: string | null
  sensitive: boolean
}

/** The same event with its place and time as they may be shown. */
export function redactEvent<E extends EventForRedaction>(event: E): E {
  if (!event.sensitive) return event
  return {
    ...event,
    start_date: blurDate(event.start_date, event.start_precision),
    start_precision: blurredPrecision(event.start_precision),
    end_date: blurDate(event.end_date, event.end_precision),
    end_precision: blurredPrecision(event.end_precision),
    latitude: null,
    longitude: null,
    coord_precision: event.locality ? 'locality' : null,
  }
}

/**
 * A source's date as it may be shown, with its precision: a sensitive event's source is dated to the
 * month like the event itself, since the date of a report gives the day away.
 */
export function redactSource<S extends { published_on: string | null }>(
  source: S,
  event: { sensitive: boolean },
): S & { published_precision: Precision } {
  if (!source.published_on) return { ...source, published_precision: 'unknown' }
  if (!event.sensitive) return { ...source, published_precision: 'day' }
  return { ...source, published_on: blurDate(source.published_on, 'day'), published_precision: 'month' }
}

/**
 * A case stage's date as it may be shown: a case that arose from a sensitive event is dated to the
 * month, as that event is — a hearing "the day after the detention" gives the detention's day away.
 */
export function redactStage<S extends { on_date: string | null; date_precision: Precision }>(
  stage: S,
  caseOf: { sensitive: boolean },
): S {
  if (!caseOf.sensitive) return stage
  return {
    ...stage,
    on_date: blurDate(stage.on_date, stage.date_precision),
    date_precision: blurredPrecision(stage.date_precision),
  }
}

/**
 * When an event was published and last changed, as the public may see them: for a sensitive event,
 * the first of each one's month (UTC), since a publication the day after would bound its day.
 */
export function publicTimes(event: { sensitive: boolean; published_at: Date | null; updated_at?: Date }): {
  publishedAt: Date | null
  updatedAt: Date | null
} {
  const blur = (time: Date | null | undefined) => (event.sensitive ? blurTime(time) : (time ?? null))
  return { publishedAt: blur(event.published_at), updatedAt: blur(event.updated_at) }
}

/** The SQL twin of publicTimes for ordering by publication: a sensitive event sorts at its month's start. */
export const publicPublishedAt = sql<Date>`CASE WHEN e.sensitive THEN date_trunc('month', e.published_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' ELSE e.published_at END`

/** A person as stored, with what redaction needs. */
export type PersonForRedaction = {
  id: number
  kind: 'individual' | 'group'
  group_size: number | null
  name_cyrillic: string | null
  name_latin: string | null
  visibility: 'named' | 'anonymous' | 'withheld'
  visibility_source: string | null
  locality: string | null
  birth_year: number | null
}

/** How a person may be shown in public: a name with its source, a description, or not at all. */
export type PublicPerson =
  | {
      id: number
      shown: 'named'
      kind: 'individual' | 'group'
      name: Localised
      groupSize: number | null
      source: string
    }
  | {
      id: number
      shown: 'anonymous'
      kind: 'individual' | 'group'
      locality: string | null
      age: number | null
      groupSize: number | null
    }

/** The public form of a person, or null for a withheld one (which no public output may mention). */
export function redactPerson(person: PersonForRedaction, asOfYear: number): PublicPerson | null {
  if (person.visibility === 'withheld') return null
  if (person.visibility === 'named' && person.visibility_source) {
    const name: Localised = {}
    if (person.name_cyrillic) name.ru = person.name_cyrillic
    if (person.name_cyrillic) name.uk = person.name_cyrillic
    if (person.name_latin) name.en = person.name_latin
    return {
      id: person.id,
      shown: 'named',
      kind: person.kind,
      name,
      groupSize: person.group_size,
      source: person.visibility_source,
    }
  }
  return {
    id: person.id,
    shown: 'anonymous',
    kind: person.kind,
    locality: person.locality,
    age: person.birth_year ? asOfYear - person.birth_year : null,
    groupSize: person.group_size,
  }
}
