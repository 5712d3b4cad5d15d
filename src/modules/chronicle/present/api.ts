/**
 * The API's JSON form of events and acts, for the API, feeds and exports. An event's fields are
 * present/public.ts `presentEventFields`, as on the pages (redaction included); only the form differs: type and
 * region as codes, dates without words, absolute links. Persons go through redactPerson here.
 */
import type { z } from 'zod'
import type { ApiEventRow } from '../queries/api-events.ts'
import type { ApiActRow, ApiSourceRow } from '../queries/api-related.ts'
import type { VocabularyRow } from '../queries/api-vocabularies.ts'
import type { actOut, eventDetailOut, eventOut, vocabularies, vocabularyOut } from '../schema/api.ts'
import { ageYear, presentEventFields } from './public.ts'
import { publicTimes, redactPerson, redactSource } from './redaction.ts'

/** A presented event. */
export type EventOut = z.infer<typeof eventOut>
/** A presented event with its acts. */
export type EventDetailOut = z.infer<typeof eventDetailOut>

/** The public page of an event. */
export function eventUrl(publicUrl: string, id: number): string {
  return `${publicUrl}/chronicle/events/${id}`
}

/** An event as the public may see it, with its article codes and sources. */
export function presentApiEvent(
  row: ApiEventRow,
  related: { articles: string[]; sources: ApiSourceRow[] },
  publicUrl: string,
): EventOut {
  const { publishedAt, updatedAt } = publicTimes(row)
  return {
    ...presentEventFields(row, {
      url: eventUrl(publicUrl, row.id),
      type: row.type,
      region: row.region,
      country: row.country,
      date: (date, precision) => ({ date, precision }),
    }),
    articles: related.articles,
    sources: related.sources.map((source) => {
      const shown = redactSource(source, row)
      return {
        url: shown.url,
        description: shown.description,
        publisher: shown.publisher,
        publishedOn: shown.published_on,
        reliability: shown.reliability,
      }
    }),
    // updated_at is always there: publicTimes gives it back, blurred or not.
    publishedAt: (publishedAt ?? updatedAt!).toISOString(),
    updatedAt: updatedAt!.toISOString(),
  }
}

/** An act as the public may see it: a withheld person becomes null, never a name. */
export function presentApiAct(act: ApiActRow, asOfYear: number): z.infer<typeof actOut> {
  const person = act.person ? redactPerson(act.person, asOfYear) : null
  return {
    type: act.act_type,
    // A person's key is the id of their public page, which lists their events already (a withheld
    // person has none, and no key: they are null here).
    person:
      person === null
        ? null
        : person.shown === 'named'
          ? {
              shown: 'named',
              key: String(person.id),
              kind: person.kind,
              name: person.name,
              groupSize: person.groupSize,
              source: person.source,
            }
          : {
              shown: 'anonymous',
              key: String(person.id),
              kind: person.kind,
              locality: person.locality,
              age: person.age,
              groupSize: person.groupSize,
            },
    case: act.case
      ? {
          key: String(act.case.id),
          kind: act.case.kind,
          status: act.case.status,
          outcome: act.case.outcome,
          court: act.case.court,
          fineMinor: act.case.fine_minor,
          termMonths: act.case.term_months,
          articles: act.case.articles,
          articleParts: act.case.article_parts,
        }
      : null,
  }
}

/** An event with its acts. Ages are counted at the event's year. */
export function presentApiEventDetail(
  row: ApiEventRow,
  related: { articles: string[]; sources: ApiSourceRow[]; acts: ApiActRow[] },
  publicUrl: string,
): EventDetailOut {
  const year = ageYear(row.start_date)
  return {
    ...presentApiEvent(row, related, publicUrl),
    acts: related.acts.map((act) => presentApiAct(act, year)),
  }
}
/** A vocabulary's approved terms: each term's code, labels and extra fields, nothing else. */
export function presentVocabulary(
  vocabulary: (typeof vocabularies)[number],
  rows: VocabularyRow[],
): z.infer<typeof vocabularyOut> {
  return {
    vocabulary,
    terms: rows.map((row) => ({ code: row.code, labels: row.labels, extra: row.extra })),
  }
}
