/**
 * The reply templates as a lawyer reviewed them: each cites the articles its advice rests on, in every
 * language, so a reader (or the officer they show it to) can check it; the Ukrainian and English ones
 * give the words to say at a Russian police station in Russian; every text still fits the editor.
 * The migration replaces only templates nobody edited.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { type Kysely, sql } from 'kysely'
import { up } from '../../../migrations/20261209-150000-helpdesk-templates-2026-12.ts'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import type { Locale } from '../../platform/i18n.ts'
import { templateSchema } from './schema.ts'

const firstSeed = JSON.parse(
  readFileSync(new URL('../../../migrations/data/helpdesk-templates-2026-11.json', import.meta.url), 'utf8'),
) as { code: string; titles: Record<string, string>; bodies: Record<string, string> }[]

let store: TestStore
before(async () => {
  store = await testStore()
})
after(() => store.close())

const templates = async () => {
  const rows = await store.db.selectFrom('helpdesk_templates').select(['code', 'titles', 'bodies']).execute()
  return new Map(rows.map((row) => [row.code, row]))
}

// An article of a code, as each language writes it: "ст. 25.5 КоАП РФ", "Art. 25.5 KoAP".
type Code = 'constitution' | 'koap' | 'upk' | 'police'
const codeWords: Record<Locale, Record<Code, string>> = {
  ru: { constitution: 'Конституции РФ', koap: 'КоАП РФ', upk: 'УПК РФ', police: 'Закона «О полиции»' },
  uk: { constitution: 'Конституції РФ', koap: 'КоАП РФ', upk: 'УПК РФ', police: 'Закону РФ «О полиции»' },
  en: { constitution: 'Constitution', koap: 'KoAP', upk: 'UPK', police: 'Law on the Police' },
}
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** Matches a citation of `article` of `code`, "ст. 27.7 и 27.10 КоАП РФ" counting for both articles. */
function citation(locale: Locale, article: string, code: Code): RegExp {
  const words = literal(codeWords[locale][code])
  const number = `(?<![\\d.])${literal(article)}(?![\\d])`
  return locale === 'en'
    ? new RegExp(`(?:Article|Arts?\\.) (?:[\\d.]+ and )?${number}[^()]*?(?:of the (?:Russian )?)?${words}`)
    : new RegExp(`[Сс]т\\. (?:[\\d.]+ [иі] )?${number}[^()]*?${words}`)
}

// What the review asked each template to rest on.
const cited: Record<string, [string, Code][]> = {
  at_the_station: [
    ['51', 'constitution'],
    ['48', 'constitution'],
    ['25.5', 'koap'],
    ['49', 'upk'],
    ['27.5', 'koap'],
    ['94', 'upk'],
    ['14', 'police'],
    ['28.2', 'koap'],
    ['27.7', 'koap'],
    ['27.10', 'koap'],
  ],
  lawyer_on_way: [['51', 'constitution']],
  released: [
    ['30.3', 'koap'],
    ['389.4', 'upk'],
  ],
  witness_or_talk: [
    ['188', 'upk'],
    ['113', 'upk'],
    ['51', 'constitution'],
    ['56', 'upk'],
  ],
  military_summons: [['21.5', 'koap']],
}

// What a person says or writes at the station, in Russian whatever the reader's language.
const spokenInRussian = [
  'Отказываюсь давать показания на основании статьи 51 Конституции РФ',
  'Не согласен (не согласна). Ст. 51 Конституции РФ. Нуждаюсь в защитнике',
]

describe('the reply templates', () => {
  it('cite, in each language, the articles their advice rests on', async () => {
    const stored = await templates()
    for (const [code, articles] of Object.entries(cited)) {
      const template = stored.get(code)
      assert.ok(template, `the template ${code} exists`)
      for (const locale of ['ru', 'uk', 'en'] as const) {
        const body = template.bodies[locale] ?? ''
        for (const [article, law] of articles)
          assert.match(
            body,
            citation(locale, article, law),
            `${code} (${locale}) cites art. ${article} ${law}`,
          )
      }
    }
  })

  it('give the words to say in Russian in every language, and the right to an interpreter', async () => {
    const station = (await templates()).get('at_the_station')!
    for (const locale of ['ru', 'uk', 'en'] as const)
      for (const words of spokenInRussian)
        assert.ok(station.bodies[locale]?.includes(words), `${locale}: ${words}`)
    for (const locale of ['uk', 'en'] as const) {
      assert.match(station.bodies[locale] ?? '', citation(locale, '24.2', 'koap'))
      assert.match(station.bodies[locale] ?? '', citation(locale, '18', 'upk'))
    }
  })

  it('speak to a relative writing for someone else, and drop the advice the review found risky', async () => {
    const stored = await templates()
    const passOn: Record<Locale, RegExp> = {
      ru: /Если пишете за (другого человека|него), передайте/,
      uk: /Якщо пишете за (іншу людину|неї), передайте/,
      en: /If you are writing for (someone else|them), pass (this )?on/,
    }
    for (const code of ['at_the_station', 'released', 'witness_or_talk', 'military_summons'])
      for (const locale of ['ru', 'uk', 'en'] as const)
        assert.match(stored.get(code)!.bodies[locale] ?? '', passOn[locale], `${code} (${locale})`)
    const station = stored.get('at_the_station')!.bodies
    // Reasons are explanations; "not on the record" is a calque for a trap that doesn't exist.
    assert.doesNotMatch(station.ru ?? '', /и почему|не под запись/)
    assert.doesNotMatch(station.uk ?? '', /і чому|не під запис/)
    assert.doesNotMatch(station.en ?? '', /and why/)
  })

  it('each fit the template editor, so a coordinator can save them again', async () => {
    for (const template of (await templates()).values()) {
      const form = Object.fromEntries(
        (['ru', 'uk', 'en'] as const).flatMap((locale) => [
          [`title_${locale}`, template.titles[locale] ?? ''],
          [`body_${locale}`, template.bodies[locale] ?? ''],
        ]),
      )
      const parsed = templateSchema.safeParse({ code: template.code, ...form })
      assert.ok(parsed.success, `${template.code}: ${parsed.error?.message}`)
    }
  })

  it('replace only templates nobody edited, adding the reviewed text beside an edited one', async () => {
    // Back to the first seed, then a coordinator's edit, a deletion, and a new template not there yet.
    for (const template of firstSeed)
      await sql`UPDATE helpdesk_templates SET titles = ${JSON.stringify(template.titles)}::jsonb,
        bodies = ${JSON.stringify(template.bodies)}::jsonb WHERE code = ${template.code}`.execute(store.db)
    await sql`UPDATE helpdesk_templates SET bodies = jsonb_set(bodies, '{ru}', '"Наш текст"')
      WHERE code = 'released'`.execute(store.db)
    await sql`DELETE FROM helpdesk_templates WHERE code IN ('need_details', 'witness_or_talk')`.execute(
      store.db,
    )
    await up(store.db as unknown as Kysely<unknown>)
    const stored = await templates()
    assert.match(stored.get('at_the_station')!.bodies.ru ?? '', /ч\. 5 ст\. 28\.2 КоАП РФ/)
    assert.ok(!stored.has('at_the_station-2026-12'))
    assert.equal(stored.get('released')!.bodies.ru, 'Наш текст')
    assert.match(stored.get('released-2026-12')!.bodies.ru ?? '', /ст\. 30\.3 КоАП РФ/)
    assert.ok(!stored.has('need_details'), 'a template a coordinator deleted stays deleted')
    assert.ok(stored.has('witness_or_talk'), 'a new template is added')
  })
})
