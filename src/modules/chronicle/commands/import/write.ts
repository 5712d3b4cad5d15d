/**
 * Writes one batch of checked events: one upsert of the whole batch, then for the inserted and changed events
 * only, one statement adding their sources where missing, one adding their articles where missing
 * (when the mapping has articles) and one adding a history entry. At most four statements per
 * thousand rows; a re-import of unchanged rows is one. Before that, the batch's new events are compared
 * with the chronicle's (queries/duplicates.ts): one that looks like an existing event is written
 * unpublished whatever the mapping says, and reported, so an editor checks it and merges the two.
 */
import { sql } from 'kysely'
import type { Db } from '../../../../platform/db/database.ts'
import { type DuplicateCandidate, findDuplicates } from '../../queries/duplicates.ts'
import type { EventDraft } from './convert.ts'
import type { Mapping } from './mapping.ts'
import { addActs } from './write-acts.ts'
import { addArticles, addSources } from './write-links.ts'

/** Who imports, with which mapping, in which job, since when (the database's clock). */
export type WriteContext = {
  mapping: Mapping
  actorId: string | null
  jobId: string | null
  /** The newest event id when the import began (null: the chronicle was empty); see likelyDuplicates. */
  knownUpTo: number | null
}

// Compared to decide whether a re-imported row changed anything; status and publication are the
// reviewers' once the event exists, so a re-import never touches them. The sensitive flag is
// compared apart: a re-import may set it, never clear it (see below).
const imported = [
  'title',
  'summary',
  'type_id',
  'start_date',
  'start_precision',
  'end_date',
  'end_precision',
  'region_id',
  'country_id',
  'locality',
  'latitude',
  'longitude',
  'coord_precision',
  'participants',
  'participants_qualifier',
  'detained',
  'detained_qualifier',
  'authorised',
  'subject',
  'organisers',
  'import_raw',
] as const

const existing = sql.join(imported.map((column) => sql.ref(`chronicle_events.${column}`)))
const incoming = sql.join(imported.map((column) => sql.ref(`excluded.${column}`)))

// Each column of a batch row and its SQL type: the batch goes to the database as one JSON
// parameter read by jsonb_to_recordset, so a thousand rows are one short statement to bind.
const rowTypes = {
  external_id: 'text',
  title: 'jsonb',
  summary: 'jsonb',
  type_id: 'int',
  start_date: 'date',
  start_precision: 'text',
  end_date: 'date',
  end_precision: 'text',
  region_id: 'int',
  country_id: 'int',
  locality: 'text',
  latitude: 'float8',
  longitude: 'float8',
  coord_precision: 'text',
  participants: 'int',
  participants_qualifier: 'text',
  detained: 'int',
  detained_qualifier: 'text',
  authorised: 'boolean',
  subject: 'text',
  organisers: 'text',
  status: 'text',
  sensitive: 'boolean',
  import_raw: 'jsonb',
  article_ids: 'int[]',
  published: 'boolean',
} as const
const rowColumns = Object.keys(rowTypes).filter((column) => column !== 'published')
const recordType = sql.raw(
  Object.entries(rowTypes)
    .map(([column, type]) => `${column} ${type}`)
    .join(', '),
)

/** A checked event with the file's row it came from. */
export type RowDraft = EventDraft & { row?: number }

/** A new event of a file that looks like one already in the chronicle: the row, and the most similar event. */
export type LikelyDuplicate = { row: number | null; externalId: string; candidate: DuplicateCandidate }

/**
 * The events of a batch that a write would create (no event has their source and id yet) and that
 * look like an event already in the chronicle when the import began, each with the most similar one.
 * One lookup per batch; none into a chronicle that was empty.
 */
export async function likelyDuplicates(
  db: Db,
  batch: RowDraft[],
  context: Pick<WriteContext, 'mapping' | 'knownUpTo'>,
): Promise<LikelyDuplicate[]> {
  const { mapping, knownUpTo } = context
  if (!batch.length || knownUpTo === null) return []
  const known = await db
    .selectFrom('chronicle_events')
    .select('external_id')
    .where('external_source', '=', mapping.externalSource)
    .where(
      'external_id',
      'in',
      batch.map((draft) => draft.externalId),
    )
    .execute()
  const existing = new Set(known.map((row) => row.external_id))
  const fresh = batch.filter((draft) => !existing.has(draft.externalId))
  const found = await findDuplicates(
    db,
    fresh.map((draft) => ({
      key: draft.externalId,
      excludeId: null,
      typeId: draft.typeId,
      regionId: draft.regionId,
      countryId: draft.countryId,
      locality: draft.locality,
      startDate: draft.startDate,
      startPrecision: draft.startPrecision,
      endDate: draft.endDate,
      endPrecision: draft.endPrecision,
      title: draft.title,
      summary: draft.summary,
    })),
    { ownImport: { knownUpTo } },
  )
  const best = new Map<string, DuplicateCandidate>()
  for (const candidate of found) if (!best.has(candidate.key)) best.set(candidate.key, candidate)
  return fresh.flatMap((draft) => {
    const candidate = best.get(draft.externalId)
    return candidate ? [{ row: draft.row ?? null, externalId: draft.externalId, candidate }] : []
  })
}

/**
 * Upserts a batch; returns how many rows were inserted, updated and left unchanged, and the new
 * events that look like existing ones (written unpublished).
 */
export async function writeBatch(db: Db, batch: RowDraft[], context: WriteContext) {
  const { mapping, actorId } = context
  const duplicates = await likelyDuplicates(db, batch, context)
  const flagged = new Set(duplicates.map((duplicate) => duplicate.externalId))
  const merged = await mergedAway(db, batch, mapping.externalSource)
  const skipped = new Set(merged.map((row) => row.externalId))
  const rows = batch
    .filter((draft) => !skipped.has(draft.externalId))
    .map((draft) => ({
      external_id: draft.externalId,
      title: draft.title,
      summary: draft.summary,
      type_id: draft.typeId,
      start_date: draft.startDate,
      start_precision: draft.startPrecision,
      end_date: draft.endDate,
      end_precision: draft.endPrecision,
      region_id: draft.regionId,
      country_id: draft.countryId,
      locality: draft.locality,
      latitude: draft.latitude,
      longitude: draft.longitude,
      coord_precision: draft.coordPrecision,
      participants: draft.participants,
      participants_qualifier: draft.participantsQualifier,
      detained: draft.detained,
      detained_qualifier: draft.detainedQualifier,
      authorised: draft.authorised,
      subject: draft.subject,
      organisers: draft.organisers,
      status: draft.status,
      sensitive: draft.sensitive,
      import_raw: draft.raw,
      // What the acts' trigger will find once addArticles has linked them, so it has nothing to redo.
      article_ids: [
        ...new Set([
          ...draft.articles.map((article) => article.articleId),
          ...(draft.acts ?? []).flatMap(
            (act) => act.case?.articles.map((article) => article.articleId) ?? [],
          ),
        ]),
      ].sort((a, b) => a - b),
      // Only verified or disputed events may be public (a database CHECK holds it).
      published: mapping.publish && draft.status !== 'reported' && !flagged.has(draft.externalId),
    }))
  const { rows: changed } = await sql<{
    id: number
    external_id: string | null
    version: number
    inserted: boolean
  }>`
    INSERT INTO chronicle_events (external_source, ${sql.join(rowColumns.map((column) => sql.ref(column)))},
      published_at, created_by, updated_by)
    SELECT ${mapping.externalSource}::text, ${sql.join(rowColumns.map((column) => sql.ref(`x.${column}`)))},
      CASE WHEN x.published THEN now() END, ${actorId}::uuid, ${actorId}::uuid
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(${recordType})
    ON CONFLICT (external_source, external_id) WHERE external_id IS NOT NULL DO UPDATE SET
      ${sql.join(imported.map((column) => sql`${sql.ref(column)} = ${sql.ref(`excluded.${column}`)}`))},
      -- An editor may have marked the event sensitive since; an older file must not undo that.
      sensitive = chronicle_events.sensitive OR excluded.sensitive,
      version = chronicle_events.version + 1,
      updated_by = excluded.updated_by,
      updated_at = now()
    WHERE (${existing}) IS DISTINCT FROM (${incoming})
      OR (excluded.sensitive AND NOT chronicle_events.sensitive)
    RETURNING id, external_id, version, xmax = 0 AS inserted`.execute(db)

  // New and changed events get their sources and articles where they lack them; nothing is taken
  // away, since a reviewer may have added or kept more than the file has.
  if (changed.length) {
    const drafts = new Map(batch.map((draft) => [draft.externalId, draft]))
    const written = changed.map((row) => ({
      id: row.id,
      draft: drafts.get(row.external_id ?? '')!,
      fresh: row.inserted,
    }))
    await addSources(db, written, mapping.source)
    await addArticles(db, written)
    if (mapping.fields.acts) await addActs(db, written, mapping.externalSource)
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
  return {
    inserted,
    updated: changed.length - inserted,
    unchanged: batch.length - changed.length,
    duplicates,
    merged,
  }
}

/** A row whose event an editor merged into another since the last import: where it went. */
export type MergedAway = { row: number | null; externalId: string; survivor: number }

/**
 * The rows of a batch whose events were merged into others. They are not written: the merged event
 * is hidden and redirects to its survivor, which an editor has shaped from both, and a file must not
 * bring the hidden one back to life nor overwrite the survivor with one source's version.
 */
export async function mergedAway(db: Db, batch: RowDraft[], source: string): Promise<MergedAway[]> {
  if (!batch.length) return []
  const rows = await db
    .selectFrom('chronicle_events')
    .select(['external_id', 'merged_into'])
    .where('external_source', '=', source)
    .where(
      'external_id',
      'in',
      batch.map((draft) => draft.externalId),
    )
    .where('merged_into', 'is not', null)
    .execute()
  const survivors = new Map(rows.map((row) => [row.external_id, Number(row.merged_into)]))
  return batch.flatMap((draft) => {
    const survivor = survivors.get(draft.externalId)
    return survivor ? [{ row: draft.row ?? null, externalId: draft.externalId, survivor }] : []
  })
}
