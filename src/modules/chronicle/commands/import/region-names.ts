/**
 * Region names as files write them. A file says "Karachay-Cherkess Republic", "Karachay-Cherkessia"
 * or "Карачаево-Черкесская Республика" where the vocabulary has one code (RU-KC); the names in every
 * language are compared after dropping what spellings vary in: case, ё, punctuation, abbreviations,
 * the English "-ia" ending of a republic's short name and, where still unique, the kind of region
 * ("Republic", "oblast", "край"…). A two-part name ("Кемеровская область — Кузбасс") is found by
 * either part too, and the short names people use instead of the official ones ("Якутия", "ХМАО",
 * "СПб", "Chechnya") by a list of their own.
 */
import type { Term } from '../../../../platform/vocabularies/terms.ts'

// Words naming the kind of region, in the three languages and in transliteration: a name without
// them is tried second, and only where no two regions share it (Moscow and Moscow Oblast do).
const kindWords = new Set([
  'republic',
  'of',
  'oblast',
  'region',
  'krai',
  'kray',
  'territory',
  'autonomous',
  'okrug',
  'respublika',
  'республика',
  'республіка',
  'область',
  'край',
  'автономный',
  'автономна',
  'автономний',
  'автономная',
  'округ',
])
// Words dropped from both keys: articles, and "city" before a city's name (г. Москва).
const noise = new Set(['the', 'city', 'г', 'м', 'город', 'місто'])
const abbreviations: Record<string, string> = { обл: 'область', resp: 'republic', респ: 'республика' }

function words(name: string): string[] {
  return name
    .toLowerCase()
    .replace(/ё/g, 'е')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word && !noise.has(word))
    .map((word) => abbreviations[word] ?? word.replace(/(iya|ia|ija)$/u, ''))
}

// Names reports use that no label spells out, in Russian, Ukrainian and English, by ISO code. A name
// that could be two regions ("Алтай": the republic or the krai) is left out on purpose.
const shortNames: Record<string, readonly string[]> = {
  'RU-AD': ['Адыгея', 'Adygea'],
  'RU-BA': ['Башкирия', 'Башкортостан', 'Bashkiria'],
  'RU-BU': ['Бурятия', 'Buryatia'],
  'RU-CE': ['Чечня', 'Chechnya', 'Chechen Republic'],
  'RU-CU': ['Чувашия', 'Chuvashia'],
  'RU-IN': ['Ингушетия', 'Ingushetia'],
  'RU-KB': ['Кабардино-Балкария', 'Кабардино-Балкарія', 'Kabardino-Balkaria'],
  'RU-KC': ['Карачаево-Черкесия', 'Карачаєво-Черкесія'],
  'RU-KEM': ['Кузбасс', 'Кемеровская область', 'Kuzbass', 'Kemerovo Oblast'],
  'RU-KHM': ['ХМАО', 'ХМАО-Югра', 'Югра', 'Ханты-Мансийский автономный округ', 'KhMAO', 'Yugra'],
  'RU-KK': ['Хакасия', 'Khakassia'],
  'RU-KL': ['Калмыкия', 'Kalmykia'],
  'RU-KR': ['Карелия', 'Karelia'],
  'RU-LEN': ['Ленобласть', 'Ленинградская обл'],
  'RU-ME': ['Марий Эл', 'Mari El'],
  'RU-MO': ['Мордовия', 'Mordovia'],
  'RU-MOS': ['Подмосковье', 'Moscow region', 'Moscow Oblast'],
  'RU-NEN': ['НАО', 'Ненецкий АО'],
  'RU-SA': ['Якутия', 'Саха', 'Республика Саха', 'Якутія', 'Yakutia', 'Sakha'],
  'RU-SE': ['Северная Осетия', 'Алания', 'Північна Осетія', 'North Ossetia'],
  'RU-SPE': ['СПб', 'Петербург', 'Питер', 'St. Petersburg', 'Saint Petersburg', 'Petersburg'],
  'RU-TA': ['Татария', 'Tatarstan'],
  'RU-TY': ['Тыва', 'Тува', 'Tuva', 'Tyva'],
  'RU-UD': ['Удмуртия', 'Udmurtia'],
  'RU-YAN': ['ЯНАО', 'Ямал', 'YaNAO', 'Yamal'],
  'UA-43': ['Крым', 'Крим', 'Crimea'],
}

/** A region name reduced to what its spellings share: the whole name, then without the region's kind. */
export function regionNameKeys(name: string): [string, string] {
  const all = words(name)
  return [all.join(' '), all.filter((word) => !kindWords.has(word)).join(' ')]
}

/** Finds regions by name: the whole name first, then the name without its kind where that is unique. */
export type RegionNames = (name: string) => number | undefined

/** The regions among `terms`, findable by any of their labels in any common spelling. */
export function regionNameIndex(terms: readonly Term[]): RegionNames {
  const maps = [new Map<string, number | null>(), new Map<string, number | null>()] as const
  for (const term of terms) {
    if (term.vocabulary !== 'region') continue
    const labels = Object.values(term.labels).filter((label): label is string => Boolean(label))
    // Each part of a two-part name ("Кемеровская область — Кузбасс") stands for the region too.
    const parts = labels.flatMap((label) => (/\s[—–]\s/.test(label) ? label.split(/\s[—–]\s/) : []))
    for (const name of [...labels, ...parts, ...(shortNames[term.code] ?? [])]) {
      regionNameKeys(name).forEach((key, level) => {
        const map = maps[level as 0 | 1]
        const known = map.get(key)
        if (key) map.set(key, known === undefined || known === term.id ? term.id : null)
      })
    }
  }
  return (name) => {
    const keys = regionNameKeys(name)
    for (const level of [0, 1] as const) {
      const id = maps[level].get(keys[level])
      if (id) return id
    }
    return undefined
  }
}
