/**
 * A report made into a chronicle event in one step. The draft carries over only facts that identify
 * no one — the kind of event, the region, the day, how many were detained — unless the writer
 * consented: to publishing what happened (the place and the story) or the names they gave. The event
 * is created unpublished, status reported, sensitive (place and day blurred in public) unless the
 * member unticks it, and editors verify it as any other. The link from report to event is kept on the
 * desk's side only: nothing in the chronicle points back to the help desk.
 */
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'
import { type FieldErrors, parseForm } from '../../../platform/validation.ts'
import { createEvent, createEventForm } from '../../chronicle/index.ts'
import type { ReportMeta } from '../queries/reports.ts'

/** What converting came to. */
export type Conversion = { kind: 'created'; eventId: number } | { kind: 'invalid'; errors: FieldErrors }

/**
 * Creates the event from the member's (possibly edited) form and links the report to it. Its source is
 * `sourceDescription` — words any direct account to the editors could carry ("a direct account to
 * the editors", in the member's language) — with no date and no name of the desk: a source naming
 * the help desk would tell anyone reading the chronicle that someone wrote to it.
 */
export async function convertReport(
  db: Db,
  report: ReportMeta,
  form: Record<string, unknown>,
  actor: { id: string; sourceDescription: string },
): Promise<Conversion> {
  const actorId = actor.id
  const parsed = parseForm(createEventForm, {
    ...form,
    source_url: '',
    source_description: actor.sourceDescription,
    source_publisher: '',
    source_published_on: '',
    source_reliability: 'high',
  })
  if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors }
  return db.transaction().execute(async (trx): Promise<Conversion> => {
    const saved = await createEvent(trx, { actorId, ...parsed.data })
    if (saved.kind !== 'saved')
      return { kind: 'invalid', errors: saved.kind === 'invalid' ? saved.errors : {} }
    await trx
      .updateTable('helpdesk_reports')
      .set({ chronicle_event_id: saved.id })
      .where('id', '=', report.id)
      .execute()
    await audit(trx, {
      actorId,
      action: 'helpdesk.converted',
      target: report.id,
      detail: { eventId: saved.id },
    })
    return { kind: 'created', eventId: saved.id }
  })
}
