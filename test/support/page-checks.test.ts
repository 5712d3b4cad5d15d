/** What the page checks call a leak: keys, codes, and template text printed as it is. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { forbiddenIn } from './page-checks.ts'

const forbidden = { keys: /\bhelpdesk\.[a-z]+(?:\.[a-zA-Z]+)+/g, codes: new Set(['RU-MOW', 'lawyer']) }

test('finds keys, codes as whole words, and escapes or placeholders printed as they are', () => {
  assert.deepEqual(forbiddenIn('Всё хорошо: Москва, юрист.', forbidden), [])
  assert.deepEqual(forbiddenIn('helpdesk.desk.title', forbidden), ['helpdesk.desk.title'])
  assert.deepEqual(forbiddenIn('Регион: RU-MOW.', forbidden), ['RU-MOW'])
  assert.deepEqual(forbiddenIn('lawyer@example.org', forbidden), [], 'inside an address it is not a code')
  assert.deepEqual(forbiddenIn('Части\\nХроника', forbidden), ['\\n'])
  assert.deepEqual(forbiddenIn('Всего {{count}} событий', forbidden), ['{{count}}'])
  assert.deepEqual(forbiddenIn('Итог: undefined', forbidden), ['undefined'])
})
