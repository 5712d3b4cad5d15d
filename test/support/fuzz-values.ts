/**
 * The values hostile requests are made of (test/support/fuzz.ts): strings that have broken parsers
 * before, field names the routes read and names that pollute prototypes, and query strings built
 * from them, encoded properly or with bad escapes left in.
 */
import fc from 'fast-check'

// Strings that have broken parsers before: pollution keys, encodings, bidi, NUL, numbers and dates.
const nasty = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '[object Object]',
  '\u0000',
  'a\u0000b',
  '\u202egnp.exe',
  '\ufeff',
  '\ud800',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '{{7*7}}',
  '%',
  '%zz',
  '%00',
  '%C0%AF',
  '%E0%80%AF',
  '%ED%A0%80',
  '%FF%FE',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '-1',
  '0',
  '-0',
  '0x10',
  '1.5',
  '9007199254740993',
  '99999999999999999999999',
  '0000-01-01',
  '0000-02-29',
  '-0001-01-01',
  '99999-01-01',
  '10000-01-01',
  '2024-02-29',
  '2023-02-29',
  '2024-02-30',
  '2024-13-01',
  '2024-00-10',
  '2024-1-1',
  '2024-01',
  '0000-00',
  '9999-12',
  '2024-12-31T23:59:60Z',
  '25:61',
  '23:59',
  'verified',
  'disputed',
  'csv',
  'json',
  'ndjson',
  'region',
  'RU-MOW',
  'administrative',
  'military_summons',
  'minor',
  'foreigner',
  'lawyer',
  'yes',
]

export const hostile = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...nasty) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: false }).map((date) => String(date.getTime())) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 40_000 }).map((length) => 'я'.repeat(length)) },
)

// Field and parameter names the routes read, and names that pollute prototypes if merged carelessly.
const knownKeys = [
  'q',
  'type',
  'region',
  'article',
  'status',
  'from',
  'to',
  'page',
  'limit',
  'cursor',
  'before',
  'after',
  'next',
  'lang',
  'format',
  'a',
  'b',
  'altcha',
  'email',
  'password',
  'confirm',
  'displayName',
  'code',
  'receipt',
  'message',
  'token',
  'fullName',
  'birthDate',
  'flags',
  'flag',
  'who',
  'people',
  'place',
  'date',
  'time',
  'station',
  'needs',
  'details',
  'category',
  'name',
  'deadline',
  'contact',
  'publishFacts',
  'publishNames',
  'consentBy',
  'website',
  '_csrf',
  '_method',
  'version',
  'from_version',
]
const pollutingKeys = [
  '__proto__',
  '__proto__[x]',
  '__proto__[polluted]',
  'constructor',
  'constructor[prototype]',
  'constructor[prototype][x]',
  'prototype',
  'a[b]',
  'a[]',
  '[]',
  '',
]
export const key = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...knownKeys) },
  { weight: 2, arbitrary: fc.constantFrom(...pollutingKeys) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
)

/** Percent-encodes everything outside printable ASCII, so the text can go into a request line. */
export function urlSafe(text: string): string {
  return text.replace(/[^\x21-\x7e]|[#?&=+%]/g, (char) =>
    [...Buffer.from(char)].map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`).join(''),
  )
}

// A value as it ends up in a query string: encoded properly, or raw with bad escapes left in.
const encodedValue = fc.oneof(
  { weight: 3, arbitrary: hostile.map(urlSafe) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('%', '%zz', '%E0%80', '%FF', '%C0%80', '%ED%A0%80', '%%41', '%u0041', '+%2B+'),
  },
)
export const pair = fc.tuple(key.map(urlSafe), encodedValue).map(([name, value]) => `${name}=${value}`)

/** A query string (without `?`): a few pairs, repeated keys, stray separators, or an oversized one. */
export const queryString = fc.oneof(
  { weight: 6, arbitrary: fc.array(pair, { maxLength: 6 }).map((pairs) => pairs.join('&')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('&&&', '=', '==&=', ';;', 'a', '?', '%', 'from=0000-01-01', 'to=0000-12'),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => `q=${'a'.repeat(n)}&`.repeat(4)) },
)
