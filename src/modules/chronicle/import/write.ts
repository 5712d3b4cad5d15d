/**
 * Writes one batch of checked events: one multi-row upsert, then for the inserted and changed events
 * only, one statement adding the mapping's source where missing and one adding a history entry.
 * At most three statements per thousand rows; a re-import of unchanged rows is one.
 */
import { sql } from 'kysely'
import type { Db } from '../../../platform/db/database.ts'
import type { EventDraft } from './convert.ts'
import type { Mapping } from './mapping.ts'

/** Who imports, with which mapping, in which job. */
export type WriteContext = { mapping: Mapping; actorId: string | null; jobId: string | null }

// Compared to decide whether a re-imported row changed anything; status and publication are the
// reviewers' once the event exists, so a re-import never touches them.
const imported = [
  'title',
  'summary',
  'type_id',
  'start_date',
  'start_precision',
  'end_date',
  'end_precision',
  'region_id',
  'locality',
  'latitude',
  'longitude',
  'participants',
  'detained',
  'authorised',
  'subject',
  'organisers',
  'import_raw',
] as const

const existing = sql.join(imported.map((column) => sql.ref(`chronicle_events.${column}`)))
const incoming = sql.join(imported.map((column) => sql.ref(`excluded.${column}`)))

/** Upserts a batch; returns how many rows were inserted, updated and left unchanged. */
export async function writeBatch(db: Db, batch: EventDraft[], context: WriteContext) {
  const { mapping, actorId } = context
  const published = mapping.publish && mapping.status === 'verified'
  const rows = batch.map((draft) => ({
    external_source: mapping.externalSource,
    external_id: draft.externalId,
    title: JSON.stringify(draft.title),
    summary: JSON.stringify(draft.summary),
    type_id: draft.typeId,
    start_date: draft.startDate,
    start_precision: draft.startPrecision,
    end_date: draft.endDate,
    end_precision: draft.endPrecision,
    region_id: draft.regionId,
    locality: draft.locality,
    latitude: draft.latitude,
    longitude: draft.longitude,
    participants: draft.participants,
    detained: draft.detained,
    authorised: draft.authorised,
    subject: draft.subject,
    organisers: draft.organisers,
    status: mapping.status,
    published_at: published ? sql<Date>`now()` : null,
    import_raw: JSON.stringify(draft.raw),
    created_by: actorId,
    updated_by: actorId,
  }))
  const changed = await db
    .insertInto('chronicle_events')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['external_source', 'external_id'])
        .where('external_id', 'is not', null)
        .doUpdateSet((eb) => ({
          ...Object.fromEntries(imported.map((column) => [column, eb.ref(`excluded.${column}`)])),
          version: sql<number>`chronicle_events.version + 1`,
          updated_by: eb.ref('excluded.updated_by'),
          updated_at: sql<Date>`now()`,
        }))
        .where(sql<boolean>`(${existing}) IS DISTINCT FROM (${incoming})`),
    )
    .returning(['id', 'external_id', 'version', sql<boolean>`xmax = 0`.as('inserted')])
    .execute()

  // New and changed events get the mapping's source unless they already have it; an unchanged one has it.
  if (changed.length) {
    const urls = new Map(batch.map((draft) => [draft.externalId, draft.sourceUrl]))
    const source = mapping.source
    await sql`
      INSERT INTO chronicle_sources (event_id, url, description, publisher, published_on, reliability)
      SELECT c.id, coalesce(c.url, ${source.url ?? null}::text), ${source.description ?? null}::text,
             ${source.publisher ?? null}::text, ${source.publishedOn ?? null}::date, ${source.reliability}::text
      FROM unnest(${changed.map((row) => row.id)}::bigint[], ${changed.map((row) => urls.get(row.external_id ?? '') ?? null)}::text[])
        AS c(id, url)
      WHERE NOT EXISTS (
        SELECT 1 FROM chronicle_sources s
        WHERE s.event_id = c.id
          AND s.url IS NOT DISTINCT FROM coalesce(c.url, ${source.url ?? null}::text)
          AND s.description IS NOT DISTINCT FROM ${source.description ?? null}::text
      )`.execute(db)
  }

  if (changed.length) {
    const note = JSON.stringify({ source: mapping.externalSource, mapping: mapping.name, job: context.jobId })
    await sql`
      INSERT INTO chronicle_history (entity, entity_id, version, changed_by, changes)
      SELECT 'event', c.id, c.version, ${actorId}::uuid,
             jsonb_build_object('import', jsonb_build_object('from', null, 'to', ${note}::jsonb))
      FROM unnest(${changed.map((row) => row.id)}::bigint[], ${changed.map((row) => row.version)}::int[]) AS c(id, version)
    `.execute(db)
  }
  const inserted = changed.filter((row) => row.inserted).length
  return { inserted, updated: changed.length - inserted, unchanged: batch.length - changed.length }
}
