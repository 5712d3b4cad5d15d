/**
 * The public shape of an event for the API, feeds and exports. Every event passes through
 * redactEvent and every person through redactPerson here; nothing else turns rows into output.
 * (Stands in until the module's shared present.ts exists; the two should merge.)
 */
import type { z } from 'zod'
import { redactEvent, redactPerson } from '../redaction.ts'
import type { EventRow } from './event-query.ts'
import type { ActRow, SourceRow } from './event-related.ts'
import type { actOut, eventDetailOut, eventOut } from './schemas.ts'

/** A presented event. */
export type EventOut = z.infer<typeof eventOut>
/** A presented event with its acts. */
export type EventDetailOut = z.infer<typeof eventDetailOut>

/** The public page of an event. */
export function eventUrl(publicUrl: string, id: number): string {
  return `${publicUrl}/chronicle/events/${id}`
}

/** An event as the public may see it, with its article codes and sources. */
export function presentEvent(
  row: EventRow,
  related: { articles: string[]; sources: SourceRow[] },
  publicUrl: string,
): EventOut {
  const e = redactEvent(row)
  return {
    id: e.id,
    url: eventUrl(publicUrl, e.id),
    title: e.title,
    summary: e.summary,
    type: e.type,
    // Only verified or disputed events are ever published (a database CHECK holds it).
    status: e.status === 'disputed' ? 'disputed' : 'verified',
    start: { date: e.start_date, precision: e.start_precision },
    end: { date: e.end_date, precision: e.end_precision },
    region: e.region,
    locality: e.locality,
    coordinates:
      e.latitude === null || e.longitude === null
        ? null
        : { latitude: e.latitude, longitude: e.longitude, precision: e.coord_precision },
    participants: e.participants,
    detained: e.detained,
    authorised: e.authorised,
    subject: e.subject,
    organisers: e.organisers,
    blurred: e.sensitive,
    articles: related.articles,
    sources: related.sources.map((source) => ({
      url: source.url,
      description: source.description,
      publisher: source.publisher,
      // A source's date would give a blurred event's day away: it is blurred to the month as well.
      publishedOn:
        e.sensitive && source.published_on ? `${source.published_on.slice(0, 7)}-01` : source.published_on,
      reliability: source.reliability,
    })),
    publishedAt: (e.published_at ?? e.updated_at).toISOString(),
    updatedAt: e.updated_at.toISOString(),
  }
}

/** An act as the public may see it: a withheld person becomes null, never a name. */
export function presentAct(act: ActRow, asOfYear: number): z.infer<typeof actOut> {
  const person = act.person ? redactPerson(act.person, asOfYear) : null
  return {
    type: act.act_type,
    // Person ids are left out: they would let anyone join an anonymous person's events together.
    person:
      person === null
        ? null
        : person.shown === 'named'
          ? {
              shown: 'named',
              kind: person.kind,
              name: person.name,
              groupSize: person.groupSize,
              source: person.source,
            }
          : {
              shown: 'anonymous',
              kind: person.kind,
              locality: person.locality,
              age: person.age,
              groupSize: person.groupSize,
            },
    case: act.case
      ? {
          kind: act.case.kind,
          status: act.case.status,
          outcome: act.case.outcome,
          court: act.case.court,
          fineMinor: act.case.fine_minor,
          termMonths: act.case.term_months,
          articles: act.case.articles,
        }
      : null,
  }
}

/** An event with its acts. Ages are counted at the event's year (the year is never blurred). */
export function presentEventDetail(
  row: EventRow,
  related: { articles: string[]; sources: SourceRow[]; acts: ActRow[] },
  publicUrl: string,
): EventDetailOut {
  const year = row.start_date ? Number(row.start_date.slice(0, 4)) : new Date().getUTCFullYear()
  return {
    ...presentEvent(row, related, publicUrl),
    acts: related.acts.map((act) => presentAct(act, year)),
  }
}

/** The title in `locale`, else in any language there is. */
export function localText(text: Partial<Record<string, string>>, locale: string): string {
  return text[locale] || text.ru || text.uk || text.en || ''
}
