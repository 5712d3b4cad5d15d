/**
 * A report made into a chronicle event in one step. The draft carries over only facts that identify
 * no one — the kind of event, the region, the day, how many were detained — unless the writer gave
 * consent that counts (triage.ts, consentOf): to publishing what happened (the place and the story) or
 * the names they gave. The event is created unpublished, status reported, and sensitive (place and
 * day blurred to the month in public): a member may untick that only when the writer consented to
 * publishing what happened, as in a small town the day and place alone can name someone. Editors
 * verify it as any other. The link from report to event is kept on the desk's side only: nothing in
 * the chronicle points back to the help desk.
 */
import { audit } from '../../../platform/audit.ts'
import type { Db } from '../../../platform/db/database.ts'
import { type FieldErrors, parseForm } from '../../../platform/validation.ts'
import { createEvent, createEventForm } from '../../chronicle/index.ts'
import type { ReportMeta } from '../queries/reports.ts'
import type { Consent } from '../triage.ts'

/**
 * What converting came to: the event made; the form's errors; the writer withdrew consent after the
 * form's draft was made (it may carry what is no longer to be published: draft it again); or the
 * report was made into an event meanwhile.
 */
export type Conversion =
  | { kind: 'created'; eventId: number }
  | { kind: 'invalid'; errors: FieldErrors }
  | { kind: 'withdrawn' }
  | { kind: 'already'; eventId: number }

/**
 * The conversion form's hidden field saying whether its draft was made without any consent (its value
 * then DRAFTED_WITHOUT_CONSENT). A form without it is taken as drafted with consent, the safe side.
 */
export const DRAFTED_FIELD = 'drafted'
/** DRAFTED_FIELD's value on a draft made without any consent. */
export const DRAFTED_WITHOUT_CONSENT = 'without-consent'

/**
 * Creates the event from the member's (possibly edited) form and links the report to it. `consent` is
 * what the writer's sealed answers allow (consentOf, without the withdrawal: this reads that itself,
 * with the report's row locked, so a withdrawal can't slip between the check and the event). Its source is
 * `sourceDescription` — words any direct account to the editors could carry ("a direct account to
 * the editors", in the member's language) — with no date and no name of the desk: a source naming
 * the help desk would tell anyone reading the chronicle that someone wrote to it.
 */
export async function convertReport(
  db: Db,
  report: ReportMeta,
  form: Record<string, unknown>,
  actor: { id: string; sourceDescription: string },
  consent: Consent,
): Promise<Conversion> {
  const actorId = actor.id
  return db.transaction().execute(async (trx): Promise<Conversion> => {
    const row = await trx
      .selectFrom('helpdesk_reports')
      .select(['consent_withdrawn', 'chronicle_event_id'])
      .where('id', '=', report.id)
      .forUpdate()
      .executeTakeFirstOrThrow()
    if (row.chronicle_event_id !== null) return { kind: 'already', eventId: row.chronicle_event_id }
    if (row.consent_withdrawn && form[DRAFTED_FIELD] !== DRAFTED_WITHOUT_CONSENT) return { kind: 'withdrawn' }
    const facts = consent.facts && !row.consent_withdrawn
    const parsed = parseForm(createEventForm, {
      ...form,
      // Without consent to publish what happened, the place and day are blurred whatever was ticked.
      ...(facts ? {} : { sensitive: '1' }),
      source_url: '',
      source_description: actor.sourceDescription,
      source_publisher: '',
      source_published_on: '',
      source_reliability: 'high',
    })
    if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors }
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
