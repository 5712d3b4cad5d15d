/**
 * Counts as people write them in reports: "1 200", "1000+", "более 50", "около 200", "~30", "десятки".
 * A count keeps what the writer knew: an exact figure, a lower bound ("1000+" is at least 1,000, not
 * 1,000), or an estimate ("около 200"). Rounding a bound into a figure would make statistics lie.
 */
import type { CountQualifier } from '../../schema/event-fields.ts'

/** A count and how it is known. */
export type Count = { value: number; qualifier: CountQualifier }

/** The largest count a file may give (a whole country's protest would be far below it). */
export const maxCount = 100_000_000

// Words before a number, in the three languages, each with what it says of the number.
const prefixes: [RegExp, CountQualifier][] = [
  [
    /^(не\s+менее|не\s+меньше|более|больше|свыше|от|понад|більше|щонайменше|не\s+менше|at\s+least|more\s+than|over)\s*/iu,
    'at_least',
  ],
  [
    /^(около|примерно|приблизительно|порядка|близько|приблизно|about|around|approximately|approx\.?|ca\.?|~|≈)\s*/iu,
    'about',
  ],
]

// Words standing for a number: the smallest the word can mean, as a lower bound ("сотни" are at
// least two hundred).
const words: [RegExp, number][] = [
  [/^(десятки|десятків|dozens|tens)$/iu, 20],
  [/^(сотни|сотні|сотень|hundreds)$/iu, 200],
  [/^(тысячи|тисячі|тисяч|thousands)$/iu, 2000],
]

// The same words after "около", "более", "понад"… are one of the unit ("около сотни" is about a
// hundred, "более тысячи" more than a thousand): genitive or accusative singular, or English "a".
const afterQualifier: [RegExp, number][] = [
  [/^(десятка|десяток|десятку)$/iu, 10],
  [/^(a\s+dozen|dozen)$/iu, 12],
  [/^(сотни|сотню|сотні|a\s+hundred|hundred)$/iu, 100],
  [/^(тысячи|тысячу|тисячі|тисячу|a\s+thousand|thousand)$/iu, 1000],
]

/**
 * Reads a count; null when it is no count. `fromWord` marks a number inferred from a word such as
 * "десятки", which the report shows so an editor can check the reading.
 */
export function parseCount(raw: string): (Count & { fromWord: boolean }) | null {
  let text = raw.trim()
  let qualifier: CountQualifier = 'exact'
  for (const [pattern, meaning] of prefixes) {
    const match = pattern.exec(text)
    if (match?.[0]) {
      qualifier = meaning
      text = text.slice(match[0].length)
      break
    }
  }
  const compact = text.replace(/[\s\u00a0\u202f]/g, '')
  if (/^\d+\+$/.test(compact) && qualifier === 'exact') qualifier = 'at_least'
  const digits = compact.replace(/\+$/, '')
  if (/^\d+$/.test(digits)) {
    const value = Number(digits)
    return value <= maxCount ? { value, qualifier, fromWord: false } : null
  }
  if (compact.endsWith('+')) return null
  if (qualifier !== 'exact')
    for (const [pattern, value] of afterQualifier)
      if (pattern.test(text)) return { value, qualifier, fromWord: true }
  for (const [pattern, value] of words)
    if (pattern.test(text))
      return { value, qualifier: qualifier === 'about' ? 'about' : 'at_least', fromWord: true }
  return null
}
