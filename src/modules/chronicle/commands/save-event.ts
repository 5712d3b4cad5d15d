/**
 * Creating and changing events. A change names the version it was made on; if someone saved a newer
 * one meanwhile, nothing is written and the caller gets what changed since, to show the editor.
 * Every save writes one history row (the changed fields, from → to) and one audit entry.
 */
import { sql } from 'kysely'
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'
import { notFound } from '../../../platform/errors.ts'
import type { Localised } from '../../../platform/localised.ts'
import { regionCountry } from '../../../platform/regions/countries.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import { termIndex } from '../../../platform/vocabularies/queries.ts'
import {
  approvedTermId,
  diffRecords,
  type EventRecord,
  inputQualifiers,
  inputRecord,
  loadEvent,
  type StaffEvent,
} from '../queries/event-record.ts'
import { type ChangeSince, changesSince, EVENT_ENTITY, listEventHistory } from '../queries/history.ts'
import type { EventFormInput, SourceFormInput } from '../schema/events.ts'
import { writeHistory } from './history.ts'

/** What a save came to. */
export type SaveOutcome =
  | { kind: 'saved'; id: number; version: number; fields: string[] }
  | { kind: 'invalid'; errors: FieldErrors }
  | { kind: 'conflict'; current: StaffEvent; changes: ChangeSince[] }

const unknownTerm = 'chronicle.staff.errors.unknownTerm'

/**
 * The event's country code: the one chosen; when none was sent (a client that predates countries),
 * the region's, else Russia for a place without one (the chronicle knew no other country before).
 * Chosen empty with a region, it is the region's; chosen empty with only a locality or coordinates,
 * it is missing (null with `needed`).
 */
export function eventCountry(
  input: Pick<EventFormInput, 'country' | 'locality' | 'latitude'>,
  regionCountryCode: string | null,
): { code: string | null; needed: boolean } {
  const placed = Boolean(input.locality) || input.latitude !== null
  if (input.country) return { code: input.country, needed: false }
  if (regionCountryCode) return { code: regionCountryCode, needed: false }
  if (input.country === undefined) return { code: placed ? 'RU' : null, needed: false }
  return { code: null, needed: placed }
}

// Codes from the form become ids; only approved terms may be used (vocabularies grow by approval).
// A region must be one of the chosen country's: a Russian region under Ukraine, or an occupied
// territory under Russia, is refused.
async function resolveTerms(db: Db, input: EventFormInput) {
  const errors: FieldErrors = {}
  const typeId = await approvedTermId(db, 'event_type', input.type)
  if (typeId === null) errors.type = unknownTerm
  const regionId = input.region ? await approvedTermId(db, 'region', input.region) : null
  if (input.region && regionId === null) errors.region = unknownTerm
  const index = await termIndex(db)
  const region = regionId === null ? undefined : index.byId.get(regionId)
  const regionCountryCode = region ? regionCountry(region) : null
  const country = eventCountry(input, regionCountryCode)
  const countryId = country.code ? (index.id('country', country.code) ?? null) : null
  if (country.needed) errors.country = 'chronicle.staff.errors.countryNeeded'
  else if (country.code && countryId === null) errors.country = unknownTerm
  else if (regionCountryCode && country.code !== regionCountryCode)
    errors.region = 'chronicle.staff.errors.regionNotInCountry'
  if (typeId === null || Object.keys(errors).length) return { ok: false as const, errors }
  return { ok: true as const, typeId, regionId, countryId, countryCode: country.code }
}

const localised = (ru: string, en: string, uk: string): string => {
  const texts: Localised = {}
  if (ru) texts.ru = ru
  if (en) texts.en = en
  if (uk) texts.uk = uk
  return JSON.stringify(texts)
}

// The event's columns an edit sets (`current`: the event it edits, whose count qualifiers a form
// without them keeps).
function columns(
  input: EventFormInput,
  typeId: number | null,
  regionId: number | null,
  countryId: number | null,
  current?: EventRecord,
) {
  return {
    ...inputQualifiers(input, current),
    title: localised(input.title_ru, input.title_en, input.title_uk),
    summary: localised(input.summary_ru, input.summary_en, input.summary_uk),
    type_id: typeId,
    start_date: input.start_date,
    start_precision: input.start_precision,
    end_date: input.end_date,
    end_precision: input.end_precision,
    region_id: regionId,
    country_id: countryId,
    locality: input.locality,
    latitude: input.latitude,
    longitude: input.longitude,
    coord_precision: input.coord_precision,
    participants: input.participants,
    detained: input.detained,
    authorised: input.authorised === 'unknown' ? null : input.authorised === 'yes',
    subject: input.subject,
    organisers: input.organisers,
    sensitive: input.sensitive,
  }
}

/** A source's columns, as inserted. */
export function sourceColumns(eventId: number, source: SourceFormInput) {
  return {
    event_id: eventId,
    url: source.url,
    description: source.description,
    publisher: source.publisher,
    published_on: source.published_on,
    reliability: source.reliability,
  }
}

/** Creates an event, status `reported`, unpublished, with its first source. Run it in a transaction. */
export async function createEvent(
  db: Db,
  options: { actorId: string; event: EventFormInput; source: SourceFormInput },
): Promise<SaveOutcome> {
  const terms = await resolveTerms(db, options.event)
  if (!terms.ok) return { kind: 'invalid', errors: terms.errors }
  const { id } = await db
    .insertInto('chronicle_events')
    .values({
      ...columns(options.event, terms.typeId, terms.regionId, terms.countryId),
      created_by: options.actorId,
      updated_by: options.actorId,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db.insertInto('chronicle_sources').values(sourceColumns(id, options.source)).execute()
  const created = (await loadEvent(db, id))!
  const changes = diffRecords({}, created.record)
  await writeHistory(db, {
    entity: EVENT_ENTITY,
    entityId: id,
    version: created.version,
    actorId: options.actorId,
    changes,
  })
  await audit(db, {
    actorId: options.actorId,
    action: 'chronicle.event.created',
    target: `event:${id}`,
    detail: { version: created.version },
  })
  return { kind: 'saved', id, version: created.version, fields: Object.keys(changes) }
}

/**
 * Saves an edit made on `version`. An unchanged form writes nothing; a stale version writes nothing
 * and returns the current event with what changed since. Run it in a transaction.
 */
export async function updateEvent(
  db: Db,
  options: { actorId: string; id: number; version: number; event: EventFormInput },
): Promise<SaveOutcome> {
  const current = await loadEvent(db, options.id, { forUpdate: true })
  if (!current) throw notFound()
  const terms = await resolveTerms(db, options.event)
  if (!terms.ok) return { kind: 'invalid', errors: terms.errors }
  if (current.version !== options.version) {
    const history = await listEventHistory(db, options.id)
    return { kind: 'conflict', current, changes: changesSince(history, options.version) }
  }
  const changes = diffRecords(
    current.record,
    inputRecord({ ...options.event, country: terms.countryCode }, current.record),
  )
  const fields = Object.keys(changes)
  if (!fields.length) return { kind: 'saved', id: current.id, version: current.version, fields }
  // The row is locked and its version checked above; the version in WHERE is a second guard.
  const saved = await db
    .updateTable('chronicle_events')
    .set({
      ...columns(options.event, terms.typeId, terms.regionId, terms.countryId, current.record),
      version: sql<number>`version + 1`,
      updated_by: options.actorId,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', options.id)
    .where('version', '=', options.version)
    .returning('version')
    .executeTakeFirstOrThrow()
  await writeHistory(db, {
    entity: EVENT_ENTITY,
    entityId: options.id,
    version: saved.version,
    actorId: options.actorId,
    changes,
  })
  await audit(db, {
    actorId: options.actorId,
    action: 'chronicle.event.updated',
    target: `event:${options.id}`,
    detail: { version: saved.version, fields },
  })
  return { kind: 'saved', id: options.id, version: saved.version, fields }
}
