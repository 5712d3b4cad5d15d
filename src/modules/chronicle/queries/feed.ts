/** What an Atom feed reads: the latest published events of a filter, and the names of types and places. */
import type { Db } from '../../../platform/db/database.ts'
import { locales } from '../../../platform/i18n.ts'
import type { Localised } from '../../../platform/localised.ts'
import { termIndex } from '../../../platform/vocabularies/queries.ts'
import { termLabel } from '../../../platform/vocabularies/terms.ts'
import { publicPublishedAt } from '../present/redaction.ts'
import { type ApiEventRow, selectEvents } from './api-events.ts'
import { type ResolvedFilter, wherePublic } from './filters.ts'

/** Entries per feed. */
export const FEED_SIZE = 50

/** The filter's latest published events, newest first by when the public may see they were published. */
export async function feedEvents(db: Db, filter: ResolvedFilter): Promise<ApiEventRow[]> {
  return (await wherePublic(selectEvents(db), filter)
    // By when the public may see it was published: a sensitive event's position gives no day away.
    .orderBy(publicPublishedAt, 'desc')
    .orderBy('e.id', 'desc')
    .limit(FEED_SIZE)
    .execute()) as ApiEventRow[]
}

const named = new Set(['event_type', 'region', 'country'])

/**
 * Labels of event types, regions and countries in every language, keyed `vocabulary:code`, as pages
 * show them (an occupied territory says so).
 */
export async function feedLabels(db: Db): Promise<Map<string, Localised>> {
  const terms = [...(await termIndex(db)).byId.values()]
  return new Map(
    terms
      .filter((term) => named.has(term.vocabulary))
      .map((term) => [
        `${term.vocabulary}:${term.code}`,
        Object.fromEntries(locales.map((locale) => [locale, termLabel(term, locale)])) as Localised,
      ]),
  )
}
