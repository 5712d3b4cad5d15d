/** One demo event with its persons, acts, cases and sources, as plain rows ready to insert. */
import { days, isSpike } from './dates.ts'
import { placeCountry, regions } from './places.ts'
import type { Random } from './random.ts'
import { type ActPlan, eventText } from './texts.ts'

/** A demo person: mostly withheld or anonymous, now and then named with the record that allows it. */
export type DemoPerson = {
  name_cyrillic: string | null
  name_latin: string | null
  visibility: 'named' | 'anonymous' | 'withheld'
  visibility_source: string | null
  region: string | null
  country: string
  locality: string
  birth_year: number
}

/** A demo event and everything hanging off it; acts refer to persons by their index here. */
export type DemoEvent = {
  external_id: string
  title: { ru: string }
  summary: { ru: string }
  type: string
  region: string | null
  /** ISO 3166-1 alpha-2. */
  country: string
  locality: string
  start_date: string | null
  start_precision: 'day' | 'month' | 'year' | 'unknown'
  latitude: number | null
  longitude: number | null
  coord_precision: 'street' | 'locality' | null
  participants: number | null
  detained: number | null
  authorised: boolean | null
  subject: string | null
  status: 'reported' | 'verified' | 'disputed'
  sensitive: boolean
  published_at: string | null
  persons: DemoPerson[]
  acts: (ActPlan & { person: number | null })[]
  sources: { url: string; publisher: string; published_on: string | null; reliability: 'high' | 'medium' }[]
}

const firstNames = [
  ['Анна', 'Anna'],
  ['Мария', 'Maria'],
  ['Елена', 'Elena'],
  ['Ольга', 'Olga'],
  ['Дарья', 'Daria'],
  ['Алексей', 'Aleksei'],
  ['Дмитрий', 'Dmitry'],
  ['Сергей', 'Sergei'],
  ['Илья', 'Ilya'],
  ['Никита', 'Nikita'],
] as const
const lastNames = [
  ['Смирнов', 'Smirnov'],
  ['Кузнецов', 'Kuznetsov'],
  ['Попов', 'Popov'],
  ['Соколов', 'Sokolov'],
  ['Лебедев', 'Lebedev'],
  ['Морозов', 'Morozov'],
  ['Волков', 'Volkov'],
  ['Зайцев', 'Zaitsev'],
] as const
// Fictional outlets: demo events are invented, so they are attributed to no real newsroom.
const publishers = [
  'Хроника задержаний (демо)',
  'Городские новости (демо)',
  'Правозащитный бюллетень (демо)',
  'Судебный репортёр (демо)',
]
// Acts that concern a new person; the others (a fine after a detention) concern the one before.
const firstActs = new Set(['detention', 'search', 'criminal_charge', 'sentence'])

function person(
  random: Random,
  region: string | null,
  country: string,
  locality: string,
  year: number,
): DemoPerson {
  const r = random.next()
  const visibility = r < 0.55 ? 'withheld' : r < 0.95 ? 'anonymous' : 'named'
  const [firstRu, firstEn] = random.pick(firstNames)
  const [lastRu, lastEn] = random.pick(lastNames)
  const female = /[ая]$/.test(firstRu)
  return {
    name_cyrillic: `${firstRu} ${lastRu}${female ? 'а' : ''}`,
    name_latin: `${firstEn} ${lastEn}${female ? 'a' : ''}`,
    visibility,
    visibility_source: visibility === 'named' ? 'Демо: открытое решение суда' : null,
    region,
    country,
    locality,
    birth_year: year - random.int(17, 75),
  }
}

/** The `index`th demo event of a run. */
export function buildEvent(random: Random, seed: number, index: number): DemoEvent {
  const day = random.weighted(days)
  const region = random.weighted(regions)
  const town = random.pick(region.towns)
  const text = eventText(random, town, day, isSpike(day))
  const precisionRoll = random.next()
  const precision =
    precisionRoll < 0.005 ? 'unknown' : precisionRoll < 0.02 ? 'year' : precisionRoll < 0.08 ? 'month' : 'day'
  const start =
    precision === 'unknown'
      ? null
      : precision === 'year'
        ? `${day.slice(0, 4)}-01-01`
        : precision === 'month'
          ? `${day.slice(0, 7)}-01`
          : day
  const statusRoll = random.next()
  const status = statusRoll < 0.85 ? 'verified' : statusRoll < 0.89 ? 'disputed' : 'reported'
  const published =
    status === 'reported'
      ? null
      : new Date(Date.parse(`${day}T12:00:00Z`) + random.int(1, 72) * 3_600_000).toISOString()
  const located = random.chance(0.5)
  const year = Number(day.slice(0, 4))
  const persons: DemoPerson[] = []
  const acts = text.acts.map((act) => {
    if (firstActs.has(act.type) || persons.length === 0)
      persons.push(person(random, region.code, placeCountry(region), town.name, year))
    return { ...act, person: persons.length - 1 }
  })
  const sources = Array.from({ length: random.chance(0.8) ? 1 : 2 }, (_, k) => ({
    url: `https://example.org/demo/${seed}/${index}/${k + 1}`,
    publisher: random.pick(publishers),
    published_on: day,
    reliability: random.chance(0.7) ? ('high' as const) : ('medium' as const),
  }))
  return {
    external_id: `${seed}-${index}`,
    title: { ru: text.title },
    summary: { ru: text.summary },
    type: text.type,
    region: region.code,
    country: placeCountry(region),
    locality: town.name,
    start_date: start,
    start_precision: precision,
    latitude: located ? Number((town.lat + (random.next() - 0.5) * 0.05).toFixed(5)) : null,
    longitude: located ? Number((town.lon + (random.next() - 0.5) * 0.05).toFixed(5)) : null,
    coord_precision: located ? (random.chance(0.5) ? 'street' : 'locality') : null,
    participants: text.participants,
    detained: text.detained,
    authorised: text.authorised,
    subject: text.subject,
    status,
    sensitive: random.chance(0.03),
    published_at: published,
    persons,
    acts,
    sources,
  }
}
