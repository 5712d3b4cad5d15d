/**
 * The only way chronicle records become public JSON or page data. Every presenter names each field
 * it outputs and takes events and persons through redaction.ts first, so an internal column (import
 * data, editors, exact places of sensitive events, withheld people) can't leak by being forgotten.
 */
import { html } from 'ghtml'
import { dateInWords, type Precision } from '../../../platform/dates/precision.ts'
import { type Locale, translator } from '../../../platform/i18n.ts'
import { type Localised, pickText } from '../../../platform/localised.ts'
import { type Term, termLabel } from '../../../platform/vocabularies/terms.ts'
import type { CountQualifier } from '../schema/event-fields.ts'
import {
  type EventForRedaction,
  type PersonForRedaction,
  type PublicPerson,
  publicTimes,
  redactEvent,
  redactPerson,
  redactSource,
  redactStage,
} from './redaction.ts'

/** Every term by id, whatever its status (the platform's `termIndex(db).byId`). */
export type TermsById = ReadonlyMap<number, Term>

/** A term in public output: its code, its label in the reader's language and all its labels. */
export type PublicTerm = {
  code: string
  label: string
  labels: Localised
  /** Articles only: the code and number as cited, e.g. "КоАП 20.3.3". */
  reference?: string
  /** Regions only: an occupied territory (its label already says so). */
  occupied?: true
}

/** A date as it may be shown: the value, how exactly it is known, and (with a locale) as words. */
export type PublicDate = { date: string | null; precision: Precision; text: string | null }

/** An event as every public output shows it. */
export type PublicEvent = {
  id: number
  url: string
  title: Localised
  summary: Localised
  type: PublicTerm | null
  status: 'verified' | 'disputed'
  start: PublicDate
  end: PublicDate
  region: PublicTerm | null
  /** The country (ISO 3166-1 alpha-2 code), null only for an event with no place. */
  country: PublicTerm | null
  locality: string | null
  coordinates: { latitude: number; longitude: number; precision: string | null } | null
  participants: number | null
  /** How the count of participants is known: exact, a lower bound (at_least) or an estimate (about); null without a count. */
  participantsQualifier: CountQualifier | null
  detained: number | null
  /** How the count of people detained is known, as for participants. */
  detainedQualifier: CountQualifier | null
  authorised: boolean | null
  subject: string | null
  organisers: string | null
  /** True when place and time were blurred to the locality and the month. */
  blurred: boolean
  publishedAt: string | null
}

/** What every public form of an event reads from its row, besides its type and region. */
export type EventFacts = EventForRedaction & {
  id: number
  title: Localised
  summary: Localised
  participants: number | null
  participants_qualifier: CountQualifier
  detained: number | null
  detained_qualifier: CountQualifier
  authorised: boolean | null
  subject: string | null
  organisers: string | null
  status: 'reported' | 'verified' | 'disputed'
  published_at: Date | null
}

/** What presentPublicEvent reads from an event row. */
export type PresentableEvent = EventFacts & {
  type_id: number | null
  region_id: number | null
  country_id: number | null
}

/** A vocabulary term for public output, or null when there is none. */
export function presentTerm(
  terms: TermsById,
  id: number | null | undefined,
  locale?: Locale,
): PublicTerm | null {
  const term = id == null ? undefined : terms.get(id)
  if (!term) return null
  const out: PublicTerm = {
    code: term.code,
    label: termLabel(term, locale),
    labels: { ...term.labels },
  }
  if (term.vocabulary === 'article' && term.extra.code && term.extra.number) {
    out.reference = `${term.extra.code} ${term.extra.number}`
  }
  if (term.vocabulary === 'region' && term.extra.occupied === true) out.occupied = true
  return out
}

function publicDate(date: string | null, precision: Precision, locale?: Locale): PublicDate {
  // An unknown date is no date: its stored placeholder value must not read as a real one.
  const known = precision === 'unknown' ? null : date
  return { date: known, precision, text: locale ? dateInWords(known, precision, locale) : null }
}

/**
 * An event's fields as every public output shows them, in one order, after redaction. How its link,
 * type, region and dates read differs by output (page data: terms and dates in words; the API:
 * codes and plain dates), so the caller gives those; dates are formed from the redacted ones.
 */
export function presentEventFields<T, D>(
  row: EventFacts,
  form: {
    url: string
    type: T
    region: T
    country: T
    date: (date: string | null, precision: Precision) => D
  },
) {
  const event = redactEvent(row)
  return {
    id: event.id,
    url: form.url,
    title: { ...event.title },
    summary: { ...event.summary },
    type: form.type,
    // Only verified or disputed events are ever published (a database CHECK holds it).
    status: event.status === 'disputed' ? ('disputed' as const) : ('verified' as const),
    start: form.date(event.start_date, event.start_precision),
    end: form.date(event.end_date, event.end_precision),
    region: form.region,
    // Never finer than the locality a sensitive event keeps, so never blurred (see redaction.ts).
    country: form.country,
    locality: event.locality,
    coordinates:
      event.latitude != null && event.longitude != null
        ? { latitude: event.latitude, longitude: event.longitude, precision: event.coord_precision }
        : null,
    participants: event.participants,
    // A qualifier says how a count is known; with no count there is nothing to qualify.
    participantsQualifier: event.participants == null ? null : event.participants_qualifier,
    detained: event.detained,
    detainedQualifier: event.detained == null ? null : event.detained_qualifier,
    authorised: event.authorised,
    subject: event.subject,
    organisers: event.organisers,
    /** True when place and time were blurred to the locality and the month. */
    blurred: event.sensitive,
  }
}

/** An event for public output (page data), redacted. With `locale`, labels and dates in words. */
export function presentPublicEvent(row: PresentableEvent, terms: TermsById, locale?: Locale): PublicEvent {
  return {
    ...presentEventFields(row, {
      url: `/chronicle/events/${row.id}`,
      type: presentTerm(terms, row.type_id, locale),
      region: presentTerm(terms, row.region_id, locale),
      country: presentTerm(terms, row.country_id, locale),
      date: (date, precision) => publicDate(date, precision, locale),
    }),
    publishedAt: publicTimes(row).publishedAt?.toISOString() ?? null,
  }
}

/** The year an anonymous person's age is counted at: their event's (a year is never blurred), else this one. */
export function ageYear(eventDate: string | null | undefined): number {
  return eventDate ? Number(eventDate.slice(0, 4)) : new Date().getUTCFullYear()
}

/** A person as public output shows them: redacted, with a link and a line to show. */
export type PresentedPerson = PublicPerson & { url: string; label: string }

/**
 * A person for public output, or null for a withheld one. An anonymous person's age is counted at
 * `asOfYear` (the event's year where there is one); `label` is the line a page shows.
 */
export function presentPerson(
  person: PersonForRedaction,
  asOfYear: number,
  locale: Locale = 'en',
): PresentedPerson | null {
  const shown = redactPerson(person, asOfYear)
  if (!shown) return null
  const label = describePerson(shown, locale)
  // Labels stand alone (a table cell, a page title), so they start with a capital.
  return {
    ...shown,
    url: `/chronicle/persons/${shown.id}`,
    label: label.charAt(0).toLocaleUpperCase(locale) + label.slice(1),
  }
}

function describePerson(person: PublicPerson, locale: Locale): string {
  const t = translator(locale)
  const size = person.groupSize ? t('chronicle.public.person.groupSize', { count: person.groupSize }) : ''
  if (person.shown === 'named') {
    const name =
      pickText(person.name, locale === 'en' ? 'en' : locale)?.text ?? t('chronicle.public.person.unnamed')
    return size ? `${name} (${size})` : name
  }
  if (person.kind === 'group') {
    return person.locality
      ? t('chronicle.public.person.groupFrom', {
          size: size || t('chronicle.public.person.group'),
          locality: person.locality,
        })
      : size || t('chronicle.public.person.group')
  }
  const age =
    person.age != null && person.age > 0 && person.age < 120
      ? t('chronicle.public.person.age', { count: person.age })
      : ''
  if (person.locality && age)
    return t('chronicle.public.person.residentAged', { locality: person.locality, age })
  if (person.locality) return t('chronicle.public.person.resident', { locality: person.locality })
  if (age) return t('chronicle.public.person.aged', { age })
  return t('chronicle.public.person.anonymous')
}

/** A source as stored. */
export type PresentableSource = {
  id: number
  url: string | null
  description: string | null
  publisher: string | null
  published_on: string | null
  reliability: 'high' | 'medium' | 'low' | 'unknown'
}

/** A source for public output. */
export type PublicSource = {
  url: string | null
  description: string | null
  publisher: string | null
  publishedOn: PublicDate
  reliability: 'high' | 'medium' | 'low' | 'unknown'
}

/** A link target only if it is a web address: a `javascript:` or `data:` URL is never a link. */
export function safeUrl(url: string | null): string | null {
  if (!url) return null
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null
  } catch {
    return null
  }
}

/** A source for public output; its date as redaction allows (see redaction.ts `redactSource`). */
export function presentSource(
  source: PresentableSource,
  event: { sensitive: boolean },
  locale?: Locale,
): PublicSource {
  const shown = redactSource(source, event)
  return {
    url: safeUrl(source.url),
    description: source.description ?? (source.url && !safeUrl(source.url) ? source.url : null),
    publisher: source.publisher,
    publishedOn: publicDate(shown.published_on, shown.published_precision, locale),
    reliability: source.reliability,
  }
}

/** A case as stored, with its article ids. */
export type CaseInput = {
  id: number
  kind: 'administrative' | 'criminal'
  court: string | null
  region_id: number | null
  country_id: number | null
  status: 'open' | 'closed' | 'appeal'
  outcome: 'fine' | 'term' | 'suspended' | 'acquitted' | 'dismissed' | 'other' | null
  fine_minor: number | null
  term_months: number | null
  articleIds: number[]
}

/** A case for public output. Fines are in minor units (kopecks). */
export type PublicCase = {
  id: number
  url: string
  kind: 'administrative' | 'criminal'
  court: string | null
  region: PublicTerm | null
  /** Where the court sits (ISO 3166-1), null when the case has no place. */
  country: PublicTerm | null
  status: 'open' | 'closed' | 'appeal'
  outcome: 'fine' | 'term' | 'suspended' | 'acquitted' | 'dismissed' | 'other' | null
  fineMinor: number | null
  termMonths: number | null
  articles: PublicTerm[]
}

/** A case for public output. */
export function presentCase(row: CaseInput, terms: TermsById, locale?: Locale): PublicCase {
  return {
    id: row.id,
    url: `/chronicle/cases/${row.id}`,
    kind: row.kind,
    court: row.court,
    region: presentTerm(terms, row.region_id, locale),
    country: presentTerm(terms, row.country_id, locale),
    status: row.status,
    outcome: row.outcome,
    fineMinor: row.fine_minor,
    termMonths: row.term_months,
    articles: row.articleIds.flatMap((id) => presentTerm(terms, id, locale) ?? []),
  }
}

/** A case stage for public output; dated to the month when the case touches a sensitive event. */
export function presentStage(
  stored: { stage: string; on_date: string | null; date_precision: Precision },
  caseOf: { sensitive: boolean },
  locale?: Locale,
): { stage: string; date: PublicDate } {
  const stage = redactStage(stored, caseOf)
  return {
    stage: stage.stage,
    date: publicDate(stage.on_date, stage.on_date ? stage.date_precision : 'unknown', locale),
  }
}

/** An act as stored with its person's fields (null when it names nobody). */
export type ActInput = {
  act_id: number
  act_type_id: number
  case_id: number | null
  event_id: number
} & { [K in keyof PersonForRedaction]: PersonForRedaction[K] | null }

/** An act for public output: what was done, to whom (as visibility allows), in which case. */
export type PublicAct = {
  id: number
  eventId: number
  type: PublicTerm | null
  person: PresentedPerson | null
  caseId: number | null
}

/** An act for public output; a withheld person is left out, as if the act named nobody. */
export function presentPublicAct(
  act: ActInput,
  terms: TermsById,
  asOfYear: number,
  locale?: Locale,
): PublicAct {
  const person =
    act.id != null && act.kind && act.visibility
      ? presentPerson(act as PersonForRedaction, asOfYear, locale)
      : null
  return {
    id: act.act_id,
    eventId: act.event_id,
    type: presentTerm(terms, act.act_type_id, locale),
    person,
    caseId: act.case_id,
  }
}

/**
 * A search highlight (text with \u0001…\u0002 around matches, see queries/events.ts) as HTML: the text is
 * escaped first, then the markers become <mark>, so nothing in the text can become markup.
 */
export function highlightHtml(marked: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are the markers.
  const pair = /\u0001([^\u0001\u0002]*)\u0002/g
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are the markers.
  const stray = /[\u0001\u0002]/g
  return html`${marked}`.replace(pair, '<mark>$1</mark>').replace(stray, '')
}
