/**
 * Atom feeds (RFC 4287) of newly published events: all of them, or any public filter (a region, a
 * type, …). The 50 most recent by publication, each redacted through present-api.ts.
 */
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../../platform/db/database.ts'
import { AppError } from '../../../platform/errors.ts'
import type { Locale } from '../../../platform/i18n.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { type EventOut, localText, presentEvent } from '../present/api.ts'
import { publicPublishedAt } from '../present/redaction.ts'
import { xmlEscape } from '../present/xml.ts'
import { type EventRow, selectEvents } from '../queries/api-events.ts'
import { sourcesOf } from '../queries/api-related.ts'
import { eventFilterSchema, resolveFilter, wherePublic } from '../queries/filters.ts'
import type { Localised } from '../tables.ts'

/** Entries per feed. */
export const FEED_SIZE = 50

async function labels(db: Db): Promise<Map<string, Localised>> {
  const rows = await db
    .selectFrom('vocab_terms')
    .select(['vocabulary', 'code', 'labels'])
    .where('vocabulary', 'in', ['event_type', 'region'])
    .execute()
  return new Map(rows.map((row) => [`${row.vocabulary}:${row.code}`, row.labels]))
}

// A date as precisely as it is known: "24 февраля 2022", "февраль 2022" or "2022".
function formatDate(date: string, precision: string, locale: Locale): string {
  if (precision === 'year') return date.slice(0, 4)
  const options: Intl.DateTimeFormatOptions =
    precision === 'month'
      ? { year: 'numeric', month: 'long', timeZone: 'UTC' }
      : { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }
  return new Date(`${date}T00:00:00Z`).toLocaleDateString(locale, options)
}

function latest(a: string, b: string): string {
  return a > b ? a : b
}

function entry(e: EventOut, locale: Locale, names: Map<string, Localised>, t: (key: string) => string) {
  const type = e.type ? localText(names.get(`event_type:${e.type}`) ?? {}, locale) || e.type : ''
  const region = e.region ? localText(names.get(`region:${e.region}`) ?? {}, locale) || e.region : ''
  const when = e.start.date ? formatDate(e.start.date, e.start.precision, locale) : ''
  const place = [e.locality, region].filter(Boolean).join(', ')
  const line = [when, place].filter(Boolean).join(' · ')
  const summary = [line, localText(e.summary, locale)].filter(Boolean).join(' — ')
  const title = localText(e.title, locale) || t('chronicle.data.feed.untitled')
  return `<entry>
<id>${xmlEscape(e.url)}</id>
<title>${xmlEscape(title)}</title>
<updated>${latest(e.updatedAt, e.publishedAt)}</updated>
<published>${e.publishedAt}</published>
<link rel="alternate" type="text/html" href="${xmlEscape(e.url)}"/>
${e.type ? `<category term="${xmlEscape(e.type)}" label="${xmlEscape(type)}"/>` : ''}
<summary>${xmlEscape(summary)}</summary>
</entry>`
}

/** Registers /chronicle/feed.atom. */
export function registerFeedRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const publicUrl = deps.env.publicUrl

  app.get('/chronicle/feed.atom', { config: { policy: 'public' } }, async (request, reply) => {
    const parsed = eventFilterSchema.safeParse(request.query)
    if (!parsed.success) throw new AppError('ERR_INVALID_QUERY', 400)
    const filter = await resolveFilter(db, parsed.data)
    const rows = (await wherePublic(selectEvents(db), filter)
      // By when the public may see it was published: a sensitive event's position gives no day away.
      .orderBy(publicPublishedAt, 'desc')
      .orderBy('e.id', 'desc')
      .limit(FEED_SIZE)
      .execute()) as EventRow[]
    const sources = await sourcesOf(
      db,
      rows.map((row) => row.id),
    )
    const events = rows.map((row) =>
      presentEvent(row, { articles: [], sources: sources.get(row.id) ?? [] }, publicUrl),
    )
    const names = await labels(db)
    const { locale, t } = request
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
    const self = `${publicUrl}/chronicle/feed.atom${query}`
    const updated = events.reduce(
      (max, e) => latest(max, latest(e.updatedAt, e.publishedAt)),
      '1970-01-01T00:00:00.000Z',
    )
    const scope = [
      ...(parsed.data.region ?? []).map(
        (code) => localText(names.get(`region:${code}`) ?? {}, locale) || code,
      ),
      ...(parsed.data.type ?? []).map(
        (code) => localText(names.get(`event_type:${code}`) ?? {}, locale) || code,
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
<link rel="alternate" type="text/html" href="${xmlEscape(`${publicUrl}/chronicle${query}`)}"/>
<author><name>Lifeline</name></author>
<generator>Lifeline</generator>
${events.map((e) => entry(e, locale, names, t)).join('\n')}
</feed>
`
    return reply
      .header('cache-control', 'public, max-age=300')
      .header('vary', 'accept-language, cookie')
      .type('application/atom+xml; charset=utf-8')
      .send(body)
  })
}
