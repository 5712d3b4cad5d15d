import assert from 'node:assert/strict'
import { test } from 'node:test'
import { languageOrder, localisedText, pickText } from './localised.ts'

test("a text is read in the reader's language, else in Russian, English, then Ukrainian", () => {
  assert.deepEqual(languageOrder('uk'), ['uk', 'ru', 'en'])
  assert.deepEqual(languageOrder('ru'), ['ru', 'en', 'uk'])
  assert.deepEqual(languageOrder(), ['ru', 'en', 'uk'])
  assert.equal(localisedText({ en: 'Picket', uk: 'Пікет' }, 'ru'), 'Picket')
  assert.deepEqual(pickText({ ru: 'Пикет', uk: '' }, 'uk'), { text: 'Пикет', lang: 'ru' })
  assert.equal(pickText({}, 'en'), null)
  assert.equal(localisedText(null, 'en'), '')
})
