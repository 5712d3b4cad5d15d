/**
 * A report made into a chronicle event in one step. The draft carries over only facts that identify
 * no one — the kind of event, the region, the day, how many were detained — unless the writer
 * consented: to publishing what happened (the place and the story) or the names they gave. The event
 * is created unpublished, status reported, sensitive (place and day blurred in public) unless the
 * member unticks it, and editors verify it as any other. The link from report to event is kept on the
 * desk's side only: nothing in the chronicle points back to the help desk.
 */
import { audit } from '../../platform/audit.ts'
import type { Db } from '../../platform/db/database.ts'
import type { FieldErrors } from '../../platform/validation.ts'
import { createEvent, createEventForm } from '../chronicle/index.ts'
import type { ReportMeta } from './desk.ts'
import type { ReportContent } from './forms.ts'

/** The event form's values for a report, as the conversion page first shows them. */
export function eventDraft(
  report: ReportMeta,
  content: ReportContent | null,
  regionCode: string | null,
  locale: 'ru' | 'en' | 'uk',
  t: (key: string, values?: Record<string, unknown>) => string,
): Record<string, string> {
  const day = (content?.form === 'detained' && content.date) || report.receivedAt.toISOString().slice(0, 10)
  const type = content?.form === 'legal' ? (content.category === 'search' ? 'search' : 'other') : 'detention'
  const story: string[] = []
  if (content?.publishFacts) {
    if (content.form === 'detained') {
      if (content.place) story.push(content.place)
      if (content.station) story.push(content.station)
    }
    if (content.details) story.push(content.details)
  }
  if (content?.publishNames) {
    const names = content.form === 'detained' ? content.who : content.name
    if (names) story.unshift(names)
  }
  return {
    [`title_${locale}`]: t(`helpdesk.convert.titles.${type}`),
    [`summary_${locale}`]: story.join('\n\n'),
    type,
    start_date: day,
    start_precision: 'day',
    end_precision: 'unknown',
    region: regionCode ?? '',
    locality: content?.publishFacts && content.form === 'detained' ? content.place : '',
    detained: content?.form === 'detained' && content.people ? String(content.people) : '',
    authorised: 'unknown',
    sensitive: '1',
    coord_precision: '',
  }
}

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
  const parsed = createEventForm.safeParse({
    ...form,
    source_url: '',
    source_description: actor.sourceDescription,
    source_publisher: '',
    source_published_on: '',
    source_reliability: 'high',
  })
  if (!parsed.success) {
    const errors: FieldErrors = {}
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? '_form')] ??= issue.message
    return { kind: 'invalid', errors }
  }
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
