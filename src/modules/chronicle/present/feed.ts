/** Atom feeds (RFC 4287) of published events, already presented through present/api.ts. */
import { dateInWords } from '../../../platform/dates/precision.ts'
import type { Locale } from '../../../platform/i18n.ts'
import { type Localised, localisedText } from '../../../platform/localised.ts'
import type { EventFilter } from '../schema/filter.ts'
import type { EventOut } from './api.ts'
import { placeLine } from './place.ts'
import { xmlEscape } from './xml.ts'

// A date as precisely as it is known: "24 февраля 2022 г.", "февраль 2022 г." or "2022".
function formatDate(date: string, precision: string, locale: Locale): string {
  if (precision === 'year') return date.slice(0, 4)
  return dateInWords(date, precision === 'month' ? 'month' : 'day', locale) ?? ''
}

function latest(a: string, b: string): string {
  return a > b ? a : b
}

// A term's name in `locale` by vocabulary and code; the code itself if no term has it.
const nameOf = (names: Map<string, Localised>, vocabulary: string, code: string | null, locale: Locale) =>
  code ? localisedText(names.get(`${vocabulary}:${code}`) ?? {}, locale) || code : ''

function entry(e: EventOut, locale: Locale, names: Map<string, Localised>, t: (key: string) => string) {
  const type = nameOf(names, 'event_type', e.type, locale)
  const when = e.start.date ? formatDate(e.start.date, e.start.precision, locale) : ''
  // Town, region, country: "Берлин, Германия", "Симферополь, Автономная Республика Крым (оккупирована), Украина".
  const place = placeLine([
    e.locality,
    nameOf(names, 'region', e.region, locale),
    nameOf(names, 'country', e.country, locale),
  ])
  const line = [when, place].filter(Boolean).join(' · ')
  const summary = [line, localisedText(e.summary, locale)].filter(Boolean).join(' — ')
  const title = localisedText(e.title, locale) || t('chronicle.data.feed.untitled')
  return `<entry>
<id>${xmlEscape(e.url)}</id>
<title>${xmlEscape(title)}</title>
<updated>${latest(e.updatedAt, e.publishedAt)}</updated>
<published>${e.publishedAt}</published>
<link rel="alternate" type="text/html" href="${xmlEscape(e.url)}"/>
${e.type ? `<category term="${xmlEscape(e.type)}" label="${xmlEscape(type)}"/>` : ''}
${e.country ? `<category scheme="urn:iso:std:iso:3166:-1" term="${xmlEscape(e.country)}" label="${xmlEscape(nameOf(names, 'country', e.country, locale))}"/>` : ''}
<summary>${xmlEscape(summary)}</summary>
</entry>`
}

/** The feed document: its own address (`self`), the list it follows (`alternate`), and the events. */
export function atomFeed(feed: {
  events: EventOut[]
  filter: EventFilter
  names: Map<string, Localised>
  locale: Locale
  t: (key: string) => string
  self: string
  alternate: string
}): string {
  const { events, names, locale, t, self } = feed
  const updated = events.reduce(
    (max, e) => latest(max, latest(e.updatedAt, e.publishedAt)),
    '1970-01-01T00:00:00.000Z',
  )
  const scope = [
    ...(feed.filter.country ?? []).map((code) => nameOf(names, 'country', code.toUpperCase(), locale)),
    ...(feed.filter.region ?? []).map(
      (code) => localisedText(names.get(`region:${code}`) ?? {}, locale) || code,
    ),
    ...(feed.filter.type ?? []).map(
      (code) => localisedText(names.get(`event_type:${code}`) ?? {}, locale) || code,
    ),
  ]
  const title = [t('chronicle.data.feed.title'), ...scope].join(' · ')
  const body = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${locale}">
<id>${xmlEscape(self)}</id>
<title>${xmlEscape(title)}</title>
<subtitle>${xmlEscape(t('chronicle.data.feed.subtitle'))}</subtitle>
<updated>${updated}</updated>
<link rel="self" type="application/atom+xml" href="${xmlEscape(self)}"/>
<link rel="alternate" type="text/html" href="${xmlEscape(feed.alternate)}"/>
<author><name>Lifeline</name></author>
<generator>Lifeline</generator>
${events.map((e) => entry(e, locale, names, t)).join('\n')}
</feed>
`
  return body
}
