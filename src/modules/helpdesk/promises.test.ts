/**
 * The help desk's public pages promise only what the software keeps: no page says that no one can
 * ever read what was written, that the browser keeps nothing, or that nothing identifying is
 * published. Encryption at rest doesn't cover a server broken into while it runs, a member's device,
 * or a member forced to give up a password; a browser's history keeps the address; a chronicle entry
 * without consent still carries type, region, month and number. Each language has its own list of
 * such phrasings; every public page of the desk is read in every language, open and closed.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { agent } from '../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { createStaff } from '../../../test/support/factories.ts'
import { type Locale, locales } from '../../platform/i18n.ts'
import { helpdeskWith } from './testing/desk-setup.ts'
import { sendDetained, shownReceipt } from './testing/forms.ts'

/** Phrasings that promise more than the software can keep, per language. */
export const overpromises: Record<Locale, RegExp[]> = {
  ru: [
    /никто не (сможет|прочита)/,
    /(прочитать|восстановить|вернуть) (их |его )?(будет )?(нельзя|невозможно)/,
    /(нельзя|невозможно) (прочитать|восстановить)/,
    /ничего[^.]{0,20}не (сохраня|хран)/,
    /не публикуем ничего/,
    /никогда/,
    /гарантир/,
    /(полностью|абсолютно|совершенно) (анонимн|безопасн)/,
    /не оставля\S* след/,
  ],
  uk: [
    /ніхто не (зможе|прочита)/,
    /(прочитати|відновити) (їх |його )?(буде )?(не можна|неможливо)/,
    /(не можна|неможливо) (прочитати|відновити)/,
    /нічого[^.]{0,20}не зберіга/,
    /не публікуємо нічого/,
    /ніколи/,
    /гарант/,
    /(повністю|абсолютно|цілком) (анонімн|безпечн)/,
    /не залиша\S* слід/,
  ],
  en: [
    /no ?one can read|nobody can/,
    /can(no|['’])t be (read|brought back|recovered|restored)/,
    /nothing (here )?is (kept|stored|saved)/,
    /(saves|stores|keeps) nothing/,
    /nothing that could identify/,
    /\bnever\b/,
    /guarantee/,
    /(completely|fully|totally|perfectly|100%) (anonymous|safe|secure)/,
    /leaves? no trace/,
  ],
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' }
/** What a reader sees of a page: its text without markup, on one line. */
export function visibleText(page: string): string {
  return page
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#39|amp|lt|gt|quot|nbsp);/g, (_, name: string) => entities[name]!)
    .replace(/\s+/g, ' ')
}

/** The phrasings of `locale` that `page` uses. */
export function promisesIn(page: string, locale: Locale): string[] {
  const text = visibleText(page).toLowerCase()
  return overpromises[locale].flatMap((phrase) => phrase.exec(text)?.[0] ?? [])
}

let t: TestApp
const pages = new Map<string, Map<Locale, string>>()
const keep = (name: string, locale: Locale, body: string) => {
  if (!pages.has(name)) pages.set(name, new Map())
  pages.get(name)!.set(locale, body)
}

before(async () => {
  t = await testApp()
  for (const locale of locales) {
    const reader = agent(t.app, locale)
    for (const path of ['/help', '/help/detained'])
      keep(`closed ${path}`, locale, (await reader.get(path)).body)
  }
  const admin = await createStaff(t.store.db, { roles: ['admin'] })
  const lawyer = await createStaff(t.store.db, { roles: ['lawyer'] })
  await helpdeskWith(t.store.db, admin.id, [lawyer.id])
  for (const locale of locales) {
    const reader = agent(t.app, locale)
    for (const path of [
      '/',
      '/help',
      '/help/detained',
      '/help/legal',
      '/help/report',
      '/help/rights',
      '/help/relatives',
      '/help/counts',
    ])
      keep(path, locale, (await reader.get(path)).body)
    const receipt = await sendDetained(reader, {
      who: 'Anna',
      contact: 'Signal',
      publishFacts: 'yes',
      consentBy: 'self',
    })
    keep('receipt', locale, receipt.body)
    const code = shownReceipt(receipt.body)
    keep('follow-up', locale, (await reader.post('/help/report', { receipt: code })).body)
    keep('withdraw consent?', locale, (await reader.post('/help/report/withdraw', { receipt: code })).body)
  }
})
after(() => t.close())

describe('the help desk promises', () => {
  it('only what the software keeps, on every public page in every language', () => {
    const found: string[] = []
    for (const [name, byLocale] of pages)
      for (const [locale, page] of byLocale)
        for (const phrase of promisesIn(page, locale)) found.push(`${name} (${locale}): “${phrase}”`)
    assert.deepEqual(found, [])
  })

  it('reads the pages it checks: each in its language, with its text', () => {
    assert.ok(pages.size >= 13)
    for (const [name, byLocale] of pages) {
      assert.equal(byLocale.size, locales.length, name)
      for (const [locale, page] of byLocale) {
        assert.match(page, new RegExp(`<html lang="${locale}"`), `${name} is in ${locale}`)
        assert.ok(visibleText(page).length > 200, `${name} (${locale}) has text`)
      }
    }
  })

  it('would catch the phrasings the site used before', () => {
    assert.deepEqual(promisesIn('<p>Копию базы данных сервера прочитать нельзя.</p>', 'ru'), [
      'прочитать нельзя',
    ])
    assert.deepEqual(promisesIn('<li>Браузер ничего отсюда не сохраняет.</li>', 'ru'), [
      'ничего отсюда не сохраня',
    ])
    assert.deepEqual(promisesIn('<p>A copy of the database can&#39;t be read.</p>', 'en'), ["can't be read"])
    assert.deepEqual(promisesIn('<p>Nothing here is kept by your browser.</p>', 'en'), [
      'nothing here is kept',
    ])
    assert.deepEqual(promisesIn('<p>Копію бази даних прочитати не можна.</p>', 'uk'), ['прочитати не можна'])
  })

  it('says what is kept in clear and what encryption does not cover', () => {
    const start = visibleText(pages.get('/help')!.get('en')!)
    for (const words of [
      /broken into while it runs/,
      /desk member's phone or computer/,
      /to within 10 minutes/,
    ])
      assert.match(start, words)
    assert.match(visibleText(pages.get('follow-up')!.get('en')!), /this site's address does/)
    assert.match(visibleText(pages.get('receipt')!.get('en')!), /write to us in your name/)
  })
})
