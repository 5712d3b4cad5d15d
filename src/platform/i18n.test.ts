import assert from 'node:assert/strict'
import { globSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { catalogues, formatNumber, type Locale, locales, pickLocale, translator } from './i18n.ts'

/** The plural forms each catalogue must spell out for every plural key (Intl.PluralRules categories). */
const pluralForms: Record<Locale, readonly string[]> = {
  ru: ['one', 'few', 'many', 'other'],
  uk: ['one', 'few', 'many', 'other'],
  en: ['one', 'other'],
}
const pluralSuffix = /_(zero|one|two|few|many|other)$/

/** Every string in a catalogue under its dotted path; anything that is neither string nor object is reported. */
function flatten(tree: Record<string, unknown>, prefix = '', into = new Map<string, string>()) {
  for (const [name, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${name}` : name
    if (typeof value === 'string') into.set(path, value)
    else if (value && typeof value === 'object' && !Array.isArray(value))
      flatten(value as Record<string, unknown>, path, into)
    else into.set(path, `<not a string: ${JSON.stringify(value)}>`)
  }
  return into
}

const flat = Object.fromEntries(locales.map((locale) => [locale, flatten(catalogues[locale])])) as Record<
  Locale,
  Map<string, string>
>

/**
 * A key without its plural suffix, and whether it had one. Audit labels are named after the actions
 * they label (`audit.actions.sealed.read_many`), never plurals.
 */
function split(key: string): { base: string; plural: boolean } {
  return pluralSuffix.test(key) && !key.startsWith('audit.actions.')
    ? { base: key.replace(pluralSuffix, ''), plural: true }
    : { base: key, plural: false }
}

/** The `{{name}}` placeholders of a message, sorted and without duplicates. */
function placeholders(message: string): string[] {
  const names = [...message.matchAll(/\{\{\s*([^\s,}]+)[^}]*\}\}/g)].map((match) => match[1] ?? '')
  return [...new Set(names)].sort()
}

test('every catalogue has the plural forms its language needs', () => {
  for (const locale of locales) {
    const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories
    assert.deepEqual([...categories].sort(), [...pluralForms[locale]].sort(), locale)
  }
})

test('every key exists in every language, with all plural forms', () => {
  // The union of keys over all catalogues: plain keys, and plural bases that need their forms.
  const plain = new Set<string>()
  const plural = new Set<string>()
  for (const locale of locales) {
    for (const key of flat[locale].keys()) {
      const { base, plural: isPlural } = split(key)
      ;(isPlural ? plural : plain).add(base)
    }
  }
  const problems: string[] = []
  for (const locale of locales) {
    const have = flat[locale]
    for (const key of plain) if (!have.has(key)) problems.push(`${locale}: missing ${key}`)
    for (const base of plural) {
      for (const form of pluralForms[locale]) {
        if (!have.has(`${base}_${form}`)) problems.push(`${locale}: missing ${base}_${form}`)
      }
    }
    for (const key of have.keys()) {
      const form = split(key).plural && key.match(pluralSuffix)?.[1]
      if (form && !pluralForms[locale].includes(form))
        problems.push(`${locale}: ${key} is a plural form ${locale} does not use`)
    }
  }
  assert.deepEqual(problems, [], `Catalogues differ:\n${problems.join('\n')}`)
})

test('no message is empty and every translation keeps the English placeholders', () => {
  const problems: string[] = []
  const english = flat.en
  for (const locale of locales) {
    for (const [key, message] of flat[locale]) {
      if (!message.trim()) problems.push(`${locale}: ${key} is empty`)
      if (message.startsWith('<not a string')) problems.push(`${locale}: ${key} is ${message}`)
      if (locale === 'en') continue
      // Every plural form must carry what the English "other" form carries: in Russian and Ukrainian
      // the `_one` form also serves 21, 31…, so it cannot drop {{count}}.
      const { base, plural } = split(key)
      const source = english.get(plural ? `${base}_other` : key)
      if (source === undefined) continue // reported by the key test
      const want = placeholders(source)
      const got = placeholders(message)
      const show = (names: string[]) =>
        names.length ? names.map((name) => `{{${name}}}`).join(', ') : 'none'
      if (want.join() !== got.join())
        problems.push(`${locale}: ${key} has placeholders ${show(got)} but English has ${show(want)}`)
    }
  }
  assert.deepEqual(problems, [], `Bad messages:\n${problems.join('\n')}`)
})

/** The catalogue forms whose text equals what `t(key, { count })` produced (two forms may read the same). */
function formsMatching(locale: Locale, key: string, count: number): string[] {
  const output = translator(locale)(key, { count })
  return pluralForms[locale].filter(
    (form) => flat[locale].get(`${key}_${form}`)?.replaceAll('{{count}}', String(count)) === output,
  )
}

test('Russian and Ukrainian plurals pick the right form through i18next', () => {
  const expected: [number, string][] = [
    [1, 'one'],
    [21, 'one'],
    [101, 'one'],
    [2, 'few'],
    [3, 'few'],
    [22, 'few'],
    [0, 'many'],
    [5, 'many'],
    [11, 'many'],
    [12, 'many'],
    [25, 'many'],
    [111, 'many'],
  ]
  for (const locale of ['ru', 'uk'] as const) {
    for (const key of ['users.count', 'account.codesLeft']) {
      for (const [count, form] of expected) {
        const forms = formsMatching(locale, key, count)
        assert.ok(
          forms.includes(form),
          `${locale} ${key} count=${count}: wanted ${form}, got ${forms.join('/')}`,
        )
      }
    }
  }

  const ru = translator('ru')
  assert.equal(ru('users.count', { count: 1 }), '1 человек')
  assert.equal(ru('users.count', { count: 3 }), '3 человека')
  assert.equal(ru('users.count', { count: 5 }), '5 человек')
  assert.equal(ru('users.count', { count: 21 }), '21 человек')
  assert.equal(ru('account.codesLeft', { count: 1 }), 'Остался 1 резервный код.')
  assert.equal(ru('account.codesLeft', { count: 3 }), 'Осталось 3 резервных кода.')
  assert.equal(ru('account.codesLeft', { count: 5 }), 'Осталось 5 резервных кодов.')

  const uk = translator('uk')
  assert.equal(uk('users.count', { count: 1 }), '1 людина')
  assert.equal(uk('users.count', { count: 3 }), '3 людини')
  assert.equal(uk('users.count', { count: 5 }), '5 людей')
  assert.equal(uk('users.count', { count: 21 }), '21 людина')
  assert.equal(uk('account.codesLeft', { count: 1 }), 'Залишився 1 резервний код.')
  assert.equal(uk('account.codesLeft', { count: 3 }), 'Залишилося 3 резервні коди.')
  assert.equal(uk('account.codesLeft', { count: 5 }), 'Залишилося 5 резервних кодів.')

  // One, few and many read differently, not just with another number.
  for (const [locale, key] of [
    ['ru', 'account.codesLeft'],
    ['uk', 'account.codesLeft'],
    ['uk', 'users.count'],
  ] as const) {
    const words = [1, 3, 5].map((count) => translator(locale)(key, { count }).replace(/\d+/, '#'))
    assert.equal(new Set(words).size, 3, `${locale} ${key}: ${words.join(' / ')}`)
  }

  const en = translator('en')
  assert.equal(en('users.count', { count: 1 }), '1 person')
  assert.equal(en('users.count', { count: 5 }), '5 people')
})

test('pickLocale: the remembered choice wins, then Accept-Language by q, then Russian', () => {
  assert.equal(pickLocale('uk', 'en-US,en;q=0.5'), 'uk')
  assert.equal(pickLocale('en', undefined), 'en')
  assert.equal(pickLocale('fr', 'uk'), 'uk', 'an unknown cookie value is ignored')
  assert.equal(pickLocale(undefined, 'en-US,en;q=0.5'), 'en')
  assert.equal(pickLocale(undefined, 'uk,ru;q=0.8'), 'uk')
  assert.equal(pickLocale(undefined, 'ru;q=0.3, uk;q=0.9'), 'uk')
  assert.equal(pickLocale(undefined, 'de,en;q=0.7'), 'en')
  assert.equal(pickLocale(undefined, 'EN-gb'), 'en')
  assert.equal(pickLocale(undefined, 'en;q=0'), 'ru', 'q=0 means "not this one"')
  assert.equal(pickLocale(undefined, 'de'), 'ru')
  assert.equal(pickLocale(undefined, ''), 'ru')
  assert.equal(pickLocale(undefined, undefined), 'ru')
  assert.equal(pickLocale(undefined, ';;;,,=q;q=x,\u0000ÿ'), 'ru')
  assert.equal(pickLocale(undefined, 'en;q=banana'), 'ru')
})

test('formatNumber groups digits the way each language does', () => {
  assert.equal(formatNumber(1234567.5, 'ru'), '1\u00a0234\u00a0567,5')
  assert.equal(formatNumber(1234567.5, 'uk'), '1\u00a0234\u00a0567,5')
  assert.equal(formatNumber(1234567.5, 'en'), '1,234,567.5')
})

test('every translation key the code uses literally exists in en.json', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url))
  const files = globSync('src/**/*.ts', { cwd: root }).filter((file) => !file.endsWith('.test.ts'))
  const used = new Map<string, string>() // key → first place it is used
  const note = (key: string, where: string) => {
    if (!used.has(key)) used.set(key, where)
  }
  for (const file of files) {
    const source = readFileSync(`${root}/${file}`, 'utf8')
    const at = (index: number) => `${file}:${source.slice(0, index).split('\n').length}`
    // t('key'), ctx.t("key"), request.t(`key`): literal keys only; `${…}` templates are skipped.
    for (const match of source.matchAll(/\bt\(\s*(['"`])((?:(?!\1)[^\\\n])*)\1/g)) {
      const key = match[2] ?? ''
      if (match[1] === '`' && key.includes('${')) continue
      note(key, at(match.index))
    }
    // Labels of navigation entries and home-page links (module descriptors) are keys translated later.
    for (const match of source.matchAll(/\blabel:\s*(['"`])([a-z][A-Za-z]*(?:\.[A-Za-z0-9_]+)+)\1/g)) {
      note(match[2] ?? '', at(match.index))
    }
    // Validation messages are keys that forms translate; AppError codes are shown as errors.<CODE>.
    for (const match of source.matchAll(/['"`](validation\.[A-Za-z0-9_]+)['"`]/g))
      note(match[1] ?? '', at(match.index))
    for (const match of source.matchAll(/\bAppError\(\s*['"`](ERR_[A-Z0-9_]+)['"`]/g))
      note(`errors.${match[1]}`, at(match.index))
    // Error catalogues (errorCatalogue in errors.ts): each code, shown as its own message key or errors.<CODE>.
    for (const match of source.matchAll(/^\s*(ERR_[A-Z0-9_]+): \{([^}]*)\}/gm))
      note(/message: (['"`])([^'"`]+)\1/.exec(match[2] ?? '')?.[2] ?? `errors.${match[1]}`, at(match.index))
  }
  assert.ok(used.size > 50, `the scan found only ${used.size} keys; are the patterns still right?`)
  const english = flat.en
  const missing = [...used]
    .filter(([key]) => !english.has(key) && !english.has(`${key}_other`))
    .map(([key, where]) => `${key} (${where})`)
  assert.deepEqual(missing, [], `Keys used in code but missing from locales/en.json:\n${missing.join('\n')}`)
})
