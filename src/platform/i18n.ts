/**
 * Three languages for every string, through i18next: Russian and Ukrainian plurals have three forms
 * (`_one`, `_few`, `_many`), which i18next takes from Intl.PluralRules.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import i18next, { type TFunction } from 'i18next'

/** The languages Lifeline speaks, in the order the chooser shows them. */
export const locales = ['ru', 'uk', 'en'] as const
/** One of `locales`. */
export type Locale = (typeof locales)[number]
/** A translate function bound to one language. */
export type T = TFunction

/** Each language's own name, for the chooser. */
export const localeNames: Record<Locale, string> = { ru: 'Русский', uk: 'Українська', en: 'English' }

type Catalogue = Record<string, unknown>

// Modules keep their own messages beside their code, in `src/modules/<module>/locales/<part>.<locale>.json`.
const modulesFolder = new URL('../modules/', import.meta.url)

function moduleCatalogues(locale: Locale): URL[] {
  return readdirSync(modulesFolder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(new URL(`${entry.name}/locales/`, modulesFolder)))
    .flatMap((entry) => {
      const folder = new URL(`${entry.name}/locales/`, modulesFolder)
      return readdirSync(folder)
        .filter((name) => name.endsWith(`.${locale}.json`))
        .sort()
        .map((name) => new URL(name, folder))
    })
}

// Merges `extra` into `into`; the same message defined twice is a mistake, so it stops the start.
function merge(into: Catalogue, extra: Catalogue, where: string): Catalogue {
  for (const [key, value] of Object.entries(extra)) {
    const known = into[key]
    if (known && typeof known === 'object' && value && typeof value === 'object') {
      merge(known as Catalogue, value as Catalogue, `${where}.${key}`)
    } else if (known !== undefined) {
      throw new Error(`Message ${where}.${key} is defined twice`)
    } else {
      into[key] = value
    }
  }
  return into
}

function load(locale: Locale): Catalogue {
  const read = (url: URL): Catalogue => JSON.parse(readFileSync(url, 'utf8'))
  const base = read(new URL(`../../locales/${locale}.json`, import.meta.url))
  return moduleCatalogues(locale).reduce((all, url) => merge(all, read(url), locale), base)
}

/** The message catalogues as loaded, for the test that checks every key exists in every language. */
export const catalogues = Object.fromEntries(locales.map((locale) => [locale, load(locale)])) as Record<
  Locale,
  Record<string, unknown>
>

const instance = i18next.createInstance()
await instance.init({
  resources: Object.fromEntries(locales.map((locale) => [locale, { translation: catalogues[locale] }])),
  fallbackLng: 'en',
  initAsync: false,
  // Pages escape every interpolated value themselves (ghtml); escaping here would do it twice.
  interpolation: { escapeValue: false },
})

// Most calls are a bare key; the catalogues never change while running, so those answers are kept.
function memoised(locale: Locale): T {
  const fixed = instance.getFixedT(locale)
  const known = new Map<string, string>()
  const t = (key: string, options?: unknown) => {
    if (options !== undefined || typeof key !== 'string') return fixed(key as never, options as never)
    let text = known.get(key)
    if (text === undefined) {
      text = fixed(key) as string
      known.set(key, text)
    }
    return text
  }
  return t as T
}

const translators = Object.fromEntries(locales.map((locale) => [locale, memoised(locale)])) as Record<
  Locale,
  T
>

/** The translate function for a language. */
export function translator(locale: Locale): T {
  return translators[locale]
}

/** True for a supported language code. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value)
}

/** The language to answer in: the remembered choice, else the browser's first supported one, else Russian. */
export function pickLocale(chosen: string | undefined, acceptLanguage: string | undefined): Locale {
  if (isLocale(chosen)) return chosen
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';')
      const q = Number(
        params
          .find((param) => param.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? 1,
      )
      return { base: tag.split('-')[0], q: Number.isFinite(q) ? q : 0 }
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q)
  return ranked.map((entry) => entry.base).find(isLocale) ?? 'ru'
}

// Making an Intl formatter takes about a tenth of a millisecond, using one a microsecond: a list of
// 50 events made 50 of them. One is kept per language and set of options (a handful in all).
const dateFormats = new Map<string, Intl.DateTimeFormat>()
const numberFormats = new Map<string, Intl.NumberFormat>()

/** A date formatter for the language and options (UTC unless said), made once and kept. */
export function dateFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`
  let format = dateFormats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', ...options })
    dateFormats.set(key, format)
  }
  return format
}

/** A date and time in the reader's language. */
export function formatDateTime(date: Date, locale: Locale): string {
  return dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date)
}

/** A calendar day (`2026-03-06`) in the reader's language. */
export function formatDay(day: string, locale: Locale): string {
  return dateFormat(locale, { dateStyle: 'medium' }).format(new Date(`${day}T00:00:00Z`))
}

/** A number in the reader's language. */
export function formatNumber(value: number, locale: Locale): string {
  let format = numberFormats.get(locale)
  if (!format) {
    format = new Intl.NumberFormat(locale)
    numberFormats.set(locale, format)
  }
  return format.format(value)
}
