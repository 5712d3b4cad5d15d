import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sql } from 'kysely'
import { type TestStore, testStore } from '../../../../test/support/db.ts'
import { trigramSimilarity } from './duplicates.ts'

let store: TestStore
before(async () => {
  store = await testStore()
})
after(() => store.close())

// Texts as reports write them: Cyrillic (whose trigrams pg_trgm keeps in a hashed form), Latin,
// digits, punctuation only, repeated words, mixed case.
const texts = [
  'Одиночный пикет у Гостиного двора',
  'Пикет у Гостиного двора 2022-03-06',
  'ОДИНОЧНЫЙ ПИКЕТ у гостиного ДВОРА!!!',
  'Задержаны 12 человек на Пушкинской площади; полиция составила протоколы по ст. 20.2 КоАП',
  'На Пушкинской площади задержали двенадцать человек',
  'A picket at Gostiny Dvor',
  'a PICKET, a picket, at gostiny dvor',
  'Пікет «Ні війні» біля пам’ятника Лесі Українці',
  '!!! ...',
  'x',
]

test('similarities counted from pg_trgm’s trigrams equal its similarity()', async () => {
  const { rows } = await sql<{ a: string; b: string; value: number; ta: string[]; tb: string[] }>`
    SELECT a, b, similarity(a, b) AS value, show_trgm(a) AS ta, show_trgm(b) AS tb
    FROM unnest(${texts}::text[]) a, unnest(${texts}::text[]) b`.execute(store.db)
  assert.equal(rows.length, texts.length ** 2)
  const numbers = new Map<string, number>()
  const numbered = (trigrams: string[]) =>
    Int32Array.from(trigrams, (trigram) => {
      if (!numbers.has(trigram)) numbers.set(trigram, numbers.size)
      return numbers.get(trigram)!
    }).sort()
  for (const row of rows)
    assert.equal(
      trigramSimilarity(numbered(row.ta), numbered(row.tb)),
      Math.fround(row.value),
      `${row.a} ~ ${row.b}`,
    )
})
