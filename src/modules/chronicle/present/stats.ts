/**
 * The only ways statistics leave the server: rows named in the reader's language (page and CSV) and
 * the JSON document. Every field is named here; the figures are already aggregates of published
 * events, so no person and no exact place or day of a sensitive event can be in them.
 */
import { type CsvValue, csvDocument } from '../../../platform/csv.ts'
import { dateFormat, type Locale, type T } from '../../../platform/i18n.ts'
import { shapeName } from '../../../platform/regions/regions-map.ts'
import { type Term, termLabel } from '../../../platform/vocabularies/terms.ts'
import type { Breakdown, Stats, TermCount } from '../queries/stats.ts'
import type { EventFilter } from '../schema/filter.ts'

/** One row of a breakdown as shown: its key (month or code; null when unknown), name and figures. */
export type Row = { key: string | null; name: string; events: number; detained: number }

/** A month (YYYY-MM) as the reader says it: "May 2012", «май 2012 г.». */
export function monthName(month: string, locale: Locale, style: 'long' | 'short' = 'long'): string {
  const [year, m] = month.split('-').map(Number)
  return dateFormat(locale, { month: style, year: 'numeric' }).format(new Date(Date.UTC(year!, m! - 1, 1)))
}

function termRows(
  terms: TermCount[],
  locale: Locale,
  none: string,
  fallback?: (code: string) => string | undefined,
) {
  return terms.map(
    (term): Row => ({
      key: term.code,
      name:
        term.code === null
          ? none
          : Object.values(term.labels).some(Boolean)
            ? termLabel({ code: term.code, labels: term.labels, extra: term.extra ?? {} }, locale)
            : (fallback?.(term.code) ?? term.code),
      events: term.events,
      detained: term.detained,
    }),
  )
}

/** A breakdown's rows in the reader's language. */
export function rowsOf(stats: Stats, breakdown: Breakdown, t: T, locale: Locale): Row[] {
  switch (breakdown) {
    case 'month':
      return stats.byMonth.map((row) => ({
        key: row.month,
        name: row.month ? monthName(row.month, locale) : t('chronicle.stats.unknownDate'),
        events: row.events,
        detained: row.detained,
      }))
    case 'region':
      return termRows(stats.byRegion, locale, t('chronicle.stats.noRegion'), shapeName)
    case 'country':
      return termRows(stats.byCountry, locale, t('chronicle.stats.noCountry'))
    case 'type':
      return termRows(stats.byType, locale, t('chronicle.stats.noType'))
    case 'article':
      return termRows(stats.byArticle, locale, t('chronicle.stats.noArticle'))
  }
}

/** A breakdown as a CSV file: key, name (in the reader's language), events, people detained. */
export function statsCsv(stats: Stats, breakdown: Breakdown, t: T, locale: Locale): string {
  const rows = rowsOf(stats, breakdown, t, locale)
  const header =
    breakdown === 'month' ? ['month', 'events', 'detained'] : ['code', 'name', 'events', 'detained']
  const values = rows.map((row): CsvValue[] =>
    breakdown === 'month'
      ? [row.key, row.events, row.detained]
      : [row.key, row.name, row.events, row.detained],
  )
  return csvDocument(header, values)
}

// Names as pages show them: an occupied territory says so in each language.
const named = (term: TermCount, locale: Locale) =>
  term.code && term.labels[locale]
    ? termLabel({ code: term.code, labels: term.labels, extra: term.extra ?? {} }, locale)
    : null

const termJson = (term: TermCount) => ({
  code: term.code,
  name: { ru: named(term, 'ru'), uk: named(term, 'uk'), en: named(term, 'en') },
  ...(term.extra?.occupied === true ? { occupied: true } : {}),
  events: term.events,
  detained: term.detained,
})

/** The JSON document of /api/v1/stats: the filter it answers, the totals and every breakdown. */
export function statsJson(stats: Stats, filter: EventFilter) {
  return {
    filter: {
      q: filter.q || null,
      type: filter.type ?? [],
      region: filter.region ?? [],
      country: filter.country ?? [],
      article: filter.article ?? [],
      status: filter.status ?? [],
      from: filter.from || null,
      to: filter.to || null,
    },
    totals: { events: stats.totals.events, detained: stats.totals.detained },
    detainedQualified: { atLeast: stats.detainedQualified.atLeast, about: stats.detainedQualified.about },
    byMonth: stats.byMonth.map((row) => ({ month: row.month, events: row.events, detained: row.detained })),
    byRegion: stats.byRegion.map(termJson),
    byCountry: stats.byCountry.map(termJson),
    byType: stats.byType.map(termJson),
    byArticle: stats.byArticle.map(termJson),
  }
}

/** The statistics form's choices: each vocabulary's terms, labelled in the locale and sorted by label. */
export function statsOptions(rows: Term[], locale: Locale) {
  const of = (vocabulary: string): { code: string; label: string }[] =>
    rows
      .filter((row) => row.vocabulary === vocabulary)
      .map((row) => ({
        code: row.code,
        label: termLabel(row, locale),
      }))
      .sort((a, b) => a.label.localeCompare(b.label, locale))
  return { type: of('event_type'), region: of('region'), country: of('country'), article: of('article') }
}
