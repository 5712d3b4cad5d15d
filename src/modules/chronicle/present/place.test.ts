import assert from 'node:assert/strict'
import { test } from 'node:test'
import { placeLine } from './place.ts'

test('a place line says each part once, whatever its case or spacing', () => {
  assert.equal(placeLine(['Москва', 'Москва']), 'Москва')
  assert.equal(placeLine(['Москва', ' москва ']), 'Москва')
  assert.equal(placeLine(['Санкт-Петербург', null, 'Санкт-Петербург']), 'Санкт-Петербург')
  assert.equal(placeLine(['Пермь', 'Пермский край']), 'Пермь, Пермский край')
  assert.equal(placeLine(['Москва', 'Московская область']), 'Москва, Московская область')
  assert.equal(placeLine([undefined, '', '  ']), '')
})
