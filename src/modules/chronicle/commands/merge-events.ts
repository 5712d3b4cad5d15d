/**
 * Merging one event into another, and undoing it. A merge moves the merged event's sources and acts
 * (and with them its persons and cases) to the survivor, leaving behind those the survivor already
 * has (same address or description; same act type, person and case); fills the survivor's title and
 * summary in the languages it lacks; takes the merged event out of public view and points it at the
 * survivor, whose id its permalink and API address then redirect to. Both histories and the audit log
 * record it; statistics follow by the rollup triggers.
 *
 * An undo restores exactly what the merge changed: the moved sources and acts go back, the filled
 * texts are emptied, the merged event is published again if it was (with its first publication
 * time) and answers at its own id again. It is allowed only while neither event has changed since
 * the merge (both still at the versions the merge left), since a later edit, review or second merge
 * may rest on the merged state.
 */
import { sql } from 'kysely'
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'
import { errorCatalogue, notFound } from '../../../platform/errors.ts'
import type { Localised } from '../../../platform/localised.ts'
import { errors as chronicleErrors } from '../errors.ts'
import {
  type Changes,
  diffRecords,
  type EventRecord,
  loadEvent,
  type StaffEvent,
} from '../queries/event-record.ts'
import { activeMerge } from '../queries/merges.ts'
import type { MergeMoved } from '../tables.ts'
import { nextVersion } from './history.ts'

/** The errors a merge or an undo answers with (messages: `errors.<CODE>` in the merge locale). */
export const mergeErrors = errorCatalogue({
  // An event can't be merged into itself.
  ERR_MERGE_SAME_EVENT: { status: 400 },
  // One of the two was already merged into another event.
  ERR_MERGE_ALREADY_MERGED: { status: 409 },
  // No merge of this event to undo.
  ERR_MERGE_NOTHING_TO_UNDO: { status: 409 },
  // One of the two events changed since the merge: undoing could lose or contradict that change.
  ERR_MERGE_CHANGED_SINCE: { status: 409 },
})

const textFields = ['title_ru', 'title_en', 'title_uk', 'summary_ru', 'summary_en', 'summary_uk'] as const

// Two sources are the same when they name the same address, or, with none, the same description.
const sourceKey = (source: { url: string | null; description: string | null }) =>
  source.url ? `url:${source.url.trim().toLowerCase()}` : `text:${(source.description ?? '').trim()}`

const actKey = (act: { act_type_id: number; person_id: number | null; case_id: number | null }) =>
  `${act.act_type_id}:${act.person_id ?? ''}:${act.case_id ?? ''}`

// Locks both events in id order, so two merges of the same pair in opposite directions can't deadlock.
async function lockBoth(db: Db, a: number, b: number): Promise<[StaffEvent, StaffEvent]> {
  const [first, second] = a < b ? [a, b] : [b, a]
  const one = await loadEvent(db, first, { forUpdate: true })
  const two = await loadEvent(db, second, { forUpdate: true })
  if (!one || !two) throw notFound()
  return a < b ? [one, two] : [two, one]
}

const mergedInto = async (db: Db, id: number) =>
  (
    await db
      .selectFrom('chronicle_events')
      .select('merged_into')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  ).merged_into

// The texts as the events table stores them, from a record's flat fields.
function texts(record: Record<string, unknown>, field: 'title' | 'summary'): string {
  const value: Localised = {}
  for (const lang of ['ru', 'en', 'uk'] as const) {
    const text = record[`${field}_${lang}`]
    if (typeof text === 'string' && text) value[lang] = text
  }
  return JSON.stringify(value)
}

const withMarker = (changes: Changes, name: string, from: number | null, to: number | null): Changes =>
  ({ ...changes, [name]: { from, to } }) as Changes

/** What a merge did: its id and both events' new versions. */
export type MergeOutcome = { mergeId: number; survivorVersion: number; mergedVersion: number }

/**
 * Merges event `mergedId` into `survivorId`, each at the version the editor saw (a stale one is
 * ERR_EVENT_STALE). Run it in a transaction.
 */
export async function mergeEvents(
  db: Db,
  options: {
    actorId: string
    survivorId: number
    mergedId: number
    survivorVersion: number
    mergedVersion: number
  },
): Promise<MergeOutcome> {
  if (options.survivorId === options.mergedId) throw mergeErrors.ERR_MERGE_SAME_EVENT()
  const [survivor, merged] = await lockBoth(db, options.survivorId, options.mergedId)
  if (survivor.version !== options.survivorVersion || merged.version !== options.mergedVersion)
    throw chronicleErrors.ERR_EVENT_STALE()
  if ((await mergedInto(db, survivor.id)) !== null || (await mergedInto(db, merged.id)) !== null)
    throw mergeErrors.ERR_MERGE_ALREADY_MERGED()

  const keptSources = new Set(survivor.record.sources.map(sourceKey))
  const sources = merged.record.sources
    .filter((source) => !keptSources.has(sourceKey(source)))
    .map((s) => s.id)
  const acts = await db
    .selectFrom('chronicle_acts')
    .select(['id', 'event_id', 'act_type_id', 'person_id', 'case_id'])
    .where('event_id', 'in', [survivor.id, merged.id])
    .orderBy('id')
    .execute()
  const keptActs = new Set(acts.filter((act) => act.event_id === survivor.id).map(actKey))
  const movedActs = acts
    .filter((act) => act.event_id === merged.id && !keptActs.has(actKey(act)))
    .map((a) => a.id)
  const filled: Record<string, string> = {}
  for (const field of textFields) {
    const theirs = merged.record[field]
    if (!survivor.record[field] && theirs) filled[field] = theirs
  }

  if (sources.length)
    await db
      .updateTable('chronicle_sources')
      .set({ event_id: survivor.id })
      .where('id', 'in', sources)
      .execute()
  if (movedActs.length)
    await db
      .updateTable('chronicle_acts')
      .set({ event_id: survivor.id })
      .where('id', 'in', movedActs)
      .execute()

  const survivorAfter = { ...survivor.record, ...filled } as EventRecord & Record<string, unknown>
  const survivorMoved = (await loadEvent(db, survivor.id))!.record.sources
  const survivorVersion = await nextVersion(db, {
    eventId: survivor.id,
    actorId: options.actorId,
    edit: true,
    set: { title: texts(survivorAfter, 'title'), summary: texts(survivorAfter, 'summary') },
    changes: withMarker(
      diffRecords(survivor.record, { ...survivorAfter, sources: survivorMoved }),
      'merged_from',
      null,
      merged.id,
    ),
  })
  const mergedSources = (await loadEvent(db, merged.id))!.record.sources
  const mergedVersion = await nextVersion(db, {
    eventId: merged.id,
    actorId: options.actorId,
    edit: false,
    set: { merged_into: survivor.id, published_at: null },
    changes: withMarker(
      diffRecords(merged.record, { ...merged.record, published: false, sources: mergedSources }),
      'merged_into',
      null,
      survivor.id,
    ),
  })
  const moved: MergeMoved = {
    sources,
    acts: movedActs,
    texts: filled,
    publishedAt: merged.publishedAt ? merged.publishedAt.toISOString() : null,
  }
  const { id: mergeId } = await db
    .insertInto('chronicle_merges')
    .values({
      survivor_id: survivor.id,
      merged_id: merged.id,
      moved: JSON.stringify(moved),
      survivor_version: survivorVersion,
      merged_version: mergedVersion,
      merged_by: options.actorId,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await audit(db, {
    actorId: options.actorId,
    action: 'chronicle.event.merged',
    target: `event:${merged.id}`,
    detail: { into: survivor.id, merge: mergeId, sources: sources.length, acts: movedActs.length },
  })
  return { mergeId, survivorVersion, mergedVersion }
}

/** Undoes the merge of `mergedId` (see the header for what it restores, and when). Run it in a transaction. */
export async function undoMerge(db: Db, options: { actorId: string; mergedId: number }): Promise<number> {
  const merge = await activeMerge(db, options.mergedId)
  if (!merge) throw mergeErrors.ERR_MERGE_NOTHING_TO_UNDO()
  const [survivor, merged] = await lockBoth(db, Number(merge.survivor_id), Number(merge.merged_id))
  if (survivor.version !== merge.survivor_version || merged.version !== merge.merged_version)
    throw mergeErrors.ERR_MERGE_CHANGED_SINCE()
  const moved = merge.moved as MergeMoved
  if (moved.sources.length)
    await db
      .updateTable('chronicle_sources')
      .set({ event_id: merged.id })
      .where('id', 'in', moved.sources)
      .where('event_id', '=', survivor.id)
      .execute()
  if (moved.acts.length)
    await db
      .updateTable('chronicle_acts')
      .set({ event_id: merged.id })
      .where('id', 'in', moved.acts)
      .where('event_id', '=', survivor.id)
      .execute()
  const survivorAfter = { ...survivor.record } as EventRecord & Record<string, unknown>
  for (const field of Object.keys(moved.texts)) survivorAfter[field] = null
  survivorAfter.sources = (await loadEvent(db, survivor.id))!.record.sources
  await nextVersion(db, {
    eventId: survivor.id,
    actorId: options.actorId,
    edit: true,
    set: { title: texts(survivorAfter, 'title'), summary: texts(survivorAfter, 'summary') },
    changes: withMarker(diffRecords(survivor.record, survivorAfter), 'merged_from', merged.id, null),
  })
  const mergedSources = (await loadEvent(db, merged.id))!.record.sources
  const publishedAt = moved.publishedAt ? new Date(moved.publishedAt) : null
  const version = await nextVersion(db, {
    eventId: merged.id,
    actorId: options.actorId,
    edit: false,
    set: { merged_into: null, published_at: publishedAt },
    changes: withMarker(
      diffRecords(merged.record, {
        ...merged.record,
        published: publishedAt !== null,
        sources: mergedSources,
      }),
      'merged_into',
      survivor.id,
      null,
    ),
  })
  await db
    .updateTable('chronicle_merges')
    .set({ undone_at: sql<Date>`now()`, undone_by: options.actorId })
    .where('id', '=', merge.id)
    .execute()
  await audit(db, {
    actorId: options.actorId,
    action: 'chronicle.event.merge_undone',
    target: `event:${merged.id}`,
    detail: { from: survivor.id, merge: Number(merge.id) },
  })
  return version
}
