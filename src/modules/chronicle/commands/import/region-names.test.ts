import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Term } from '../../../../platform/vocabularies/terms.ts'
import { regionNameIndex } from './region-names.ts'

const region = (id: number, code: string, labels: Term['labels']): Term =>
  ({ id, vocabulary: 'region', code, labels, status: 'approved', extra: {} }) as unknown as Term

const find = regionNameIndex([
  region(1, 'RU-KC', {
    ru: 'Карачаево-Черкесская Республика',
    en: 'Karachay-Cherkessia',
    uk: 'Карачаєво-Черкеська Республіка',
  }),
  region(2, 'RU-MOS', { ru: 'Московская область', en: 'Moscow Oblast', uk: 'Московська область' }),
  region(3, 'RU-MOW', { ru: 'Москва', en: 'Moscow', uk: 'Москва' }),
])

test('a region resolves by its name in any language and its common spellings', () => {
  assert.equal(find('Karachay-Cherkessia'), 1)
  assert.equal(find('Karachay-Cherkess Republic'), 1)
  assert.equal(find('Republic of Karachay-Cherkessia'), 1)
  assert.equal(find('карачаево-черкесская республика'), 1)
  assert.equal(find('Карачаєво-Черкеська Республіка'), 1)
  assert.equal(find('Moscow Oblast'), 2)
  assert.equal(find('Московская обл.'), 2)
  assert.equal(find('г. Москва'), 3)
  assert.equal(find('Moscow'), 3)
  assert.equal(find('Атлантида'), undefined)
})
